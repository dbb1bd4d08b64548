-- The query a product page caches: the best sellers of the last week. On a busy shop it takes
-- seconds; the cache serves its answer to every reader in between.
-- --8<-- [start:report]
CREATE TABLE orders (product text, qty int, ordered_at timestamptz);
INSERT INTO orders
SELECT 'product-' || (n % 5), 1 + n % 3, now() - make_interval(hours => n % 200)
FROM generate_series(1, 10000) AS n;

SELECT product, sum(qty) AS sold
FROM orders
WHERE ordered_at > now() - interval '7 days'
GROUP BY product
ORDER BY sold DESC, product
LIMIT 3;
-- --8<-- [end:report]
