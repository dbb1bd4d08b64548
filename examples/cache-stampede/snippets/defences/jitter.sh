# Keys cached in the same second with the same TTL all expire in the same second: the next
# stampede is scheduled. A jitter per key, taken from the key's name (cksum), spreads them.
# talksite: no-database

# --8<-- [start:jitter]
ttl=300
busiest() { sort -n | uniq -c | sort -k1,1rn -k2,2n | head -1 | awk '{print $1 " of 200 keys"}'; }

echo "expiring in the busiest second, without jitter: $(
  for n in $(seq 1 200); do echo "$ttl"; done | busiest)"
echo "expiring in the busiest second, with jitter:    $(
  for n in $(seq 1 200); do
    jitter=$(( $(printf 'product-%d' "$n" | cksum | cut -d' ' -f1) % 60 ))
    echo $(( ttl + jitter ))
  done | busiest)"
# --8<-- [end:jitter]
