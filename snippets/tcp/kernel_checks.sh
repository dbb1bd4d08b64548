# The kernel's TCP timers that an app server's sockets get: keepalive (for sockets that turn it
# on) and how long unacknowledged data is retransmitted. Read here in a network namespace of
# its own, as the lab's app server has: a new one starts with the kernel's defaults, whatever
# this machine was tuned to. On your own app server, run the same sysctl without `unshare`.
# talksite: no-database privileged
# --8<-- [start:check]
unshare --net sysctl net.ipv4.tcp_keepalive_time net.ipv4.tcp_keepalive_intvl \
    net.ipv4.tcp_keepalive_probes net.ipv4.tcp_retries2
# --8<-- [end:check]
