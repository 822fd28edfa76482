-- The differential oracle corpus: each entry is "-- name" then a defining query ending in ";".
-- Entries may read stream tables defined earlier in the file. Every query must compile to a
-- DIFFERENTIAL program and equal its query after every refresh.

-- p_columns
SELECT id, region, balance FROM accounts;
-- p_expressions
SELECT id, upper(region) AS r, balance * 2 AS b2, CASE WHEN balance > 100 THEN 'rich' ELSE 'poor' END AS c
  FROM accounts WHERE region IS NOT NULL;
-- p_nulls
SELECT id, coalesce(note, 'none') AS n, nullif(amount, 0) AS a, amount::numeric / 3 AS third
  FROM events WHERE kind IN ('buy', 'sell');
-- p_between_like
SELECT id, amount FROM events WHERE amount BETWEEN 10 AND 100 AND note LIKE 'n%';
-- p_numeric_dates
SELECT id, round(balance, 1) AS b, opened + 30 AS due, extract(year FROM opened) AS y
  FROM accounts WHERE opened IS NULL OR opened > DATE '2024-01-15';
-- p_strings
SELECT id, length(coalesce(region, '')) AS l, tier || '-' || coalesce(region, '?') AS label FROM accounts WHERE id % 2 = 0;
-- p_string_functions
SELECT id, substr(coalesce(note, ''), 1, 2) AS p, lower(kind) AS k FROM events WHERE kind ILIKE 'b%';
-- p_casts
SELECT id, amount::text AS a, (amount::numeric / 7)::numeric(10,3) AS r FROM events;
-- j_inner
SELECT e.id, e.amount, a.region FROM events e JOIN accounts a ON a.id = e.account_id;
-- j_cross
SELECT a.id, t.tier FROM accounts a CROSS JOIN (SELECT DISTINCT tier FROM accounts) t WHERE a.id < 5;
-- j_three_way
SELECT e.id, a.region, m.name FROM events e JOIN accounts a ON a.id = e.account_id JOIN merchants m ON m.id = e.merchant_id;
-- j_five_way
SELECT e.id, a.region, m.name, e2.kind, a2.tier FROM events e JOIN accounts a ON a.id = e.account_id
  JOIN merchants m ON m.id = e.merchant_id JOIN events e2 ON e2.account_id = a.id AND e2.id <> e.id
  JOIN accounts a2 ON a2.id = m.id;
-- a_five_way
SELECT a.region, m.category, count(*) AS n, sum(e.amount) AS total FROM events e JOIN accounts a ON a.id = e.account_id
  JOIN merchants m ON m.id = e.merchant_id JOIN accounts a2 ON a2.id = e.merchant_id JOIN merchants m2 ON m2.id = a.id
 GROUP BY a.region, m.category;
-- j_self
SELECT a.id, b.id AS other FROM accounts a JOIN accounts b ON a.region = b.region AND a.id < b.id;
-- j_expression
SELECT e.id, a.id AS aid FROM events e JOIN accounts a ON a.id = e.account_id + 1;
-- j_comma
SELECT e.id, a.tier FROM events e, accounts a WHERE a.id = e.account_id AND e.amount > 50;
-- j_filtered_partner
SELECT e.id, e.amount, a.region FROM events e JOIN accounts a ON a.id = e.account_id WHERE a.region IN ('north', 'east');
-- j_filtered_partners
SELECT m.category, a.tier, count(*) AS n, sum(e.amount) AS total FROM events e, accounts a, merchants m
  WHERE a.id = e.account_id AND m.id = e.merchant_id AND a.region <> 'west' AND m.category IN ('buy', 'food')
    AND e.amount > 0
  GROUP BY m.category, a.tier;
-- l_left
SELECT a.id, e.id AS event_id, e.amount FROM accounts a LEFT JOIN events e ON e.account_id = a.id;
-- l_chain
SELECT a.id, e.id AS eid, m.name FROM accounts a LEFT JOIN events e ON e.account_id = a.id
  LEFT JOIN merchants m ON m.id = e.merchant_id;
-- l_where_nullable
SELECT a.id, e.amount FROM accounts a LEFT JOIN events e ON e.account_id = a.id WHERE e.amount IS NULL OR e.amount > 10;
-- l_inner_then_left
SELECT e.id, a.tier, m.category FROM events e JOIN accounts a ON a.id = e.account_id LEFT JOIN merchants m ON m.id = e.merchant_id;
-- by_region
SELECT region, count(*) AS n, sum(balance) AS total, avg(balance) AS avg FROM accounts GROUP BY region;
-- by_account
SELECT account_id, count(*) AS n, count(note) AS notes, sum(amount) AS total, min(amount) AS lo, max(amount) AS hi
  FROM events GROUP BY account_id;
-- a_global
SELECT count(*) AS n, sum(amount) AS total, avg(amount) AS av FROM events;
-- a_global_extremes
SELECT min(amount) AS lo, max(amount) AS hi, count(DISTINCT kind) AS kinds FROM events;
-- a_count_distinct
SELECT account_id, count(DISTINCT kind) AS kinds FROM events GROUP BY account_id;
-- a_distinct_global
SELECT count(DISTINCT kind) AS kinds, count(DISTINCT account_id) AS accounts, count(*) AS n FROM events;
-- a_distinct_sum_avg_filter
SELECT kind, sum(DISTINCT amount) AS distinct_total, avg(DISTINCT amount) AS distinct_avg,
       count(DISTINCT note) FILTER (WHERE amount > 20) AS big_notes, sum(amount) AS total
  FROM events GROUP BY kind;
-- a_distinct_join
SELECT a.region, count(DISTINCT e.merchant_id) AS merchants, count(DISTINCT e.kind) AS kinds, count(*) AS n
  FROM events e JOIN accounts a ON a.id = e.account_id GROUP BY a.region;
-- a_distinct_left_join
SELECT a.id, count(DISTINCT e.kind) AS kinds, sum(DISTINCT e.amount) AS amounts
  FROM accounts a LEFT JOIN events e ON e.account_id = a.id GROUP BY a.id;
-- a_bool
SELECT kind, bool_and(amount > 0) AS all_pos, bool_or(note IS NULL) AS some_null FROM events GROUP BY kind;
-- a_filter
SELECT account_id, count(*) FILTER (WHERE kind = 'buy') AS buys, sum(amount) FILTER (WHERE kind = 'sell') AS sold
  FROM events GROUP BY account_id;
-- a_having
SELECT account_id, sum(amount) AS total FROM events GROUP BY account_id HAVING count(*) > 3;
-- a_group_expression
SELECT amount / 50 AS bucket, count(*) AS n FROM events GROUP BY amount / 50;
-- a_group_ordinal
SELECT kind, count(*) AS n FROM events GROUP BY 1;
-- a_join
SELECT a.region, e.kind, sum(e.amount) AS amount, count(*) AS n FROM events e JOIN accounts a ON a.id = e.account_id GROUP BY 1, 2;
-- a_left_join
SELECT a.id, count(e.id) AS n, coalesce(sum(e.amount), 0) AS total FROM accounts a LEFT JOIN events e ON e.account_id = a.id GROUP BY a.id;
-- a_left_join_recomputed
SELECT a.id, count(e.id) AS n, max(e.amount) AS top, string_agg(e.kind, ',' ORDER BY e.id) AS kinds
  FROM accounts a LEFT JOIN events e ON e.account_id = a.id GROUP BY a.id;
-- a_left_join_two_anchors
SELECT m.id AS mid, e.id AS eid, max(a.balance) AS balance, count(a.id) AS n FROM events e
  JOIN merchants m ON m.id = e.merchant_id LEFT JOIN accounts a ON a.id = e.account_id GROUP BY m.id, e.id;
-- a_exists_recomputed
SELECT a.id, max(a.balance) AS balance FROM accounts a
 WHERE EXISTS (SELECT 1 FROM events e WHERE e.account_id = a.id AND e.amount > 50) GROUP BY a.id HAVING count(*) > 0;
-- s_counts_of_counts
SELECT n, count(*) AS accounts FROM (SELECT a.id, count(e.id) AS n FROM accounts a
  LEFT JOIN events e ON e.account_id = a.id AND e.kind <> 'sell' GROUP BY a.id) per GROUP BY n;
-- a_functional_dependency
SELECT a.id, a.region, count(*) AS n FROM accounts a JOIN events e ON e.account_id = a.id GROUP BY a.id;
-- a_keyless
SELECT sensor, count(*) AS n, sum(value) AS total FROM readings GROUP BY sensor;
-- k_keyless_projection
SELECT sensor, value * 2 AS doubled FROM readings WHERE value > 0;
-- k_keyless_join
SELECT r.sensor, r.value, a.region FROM readings r JOIN accounts a ON a.id = r.sensor;
-- k_keyless_union_all
SELECT sensor, value FROM readings UNION ALL SELECT sensor, value FROM readings WHERE sensor = 1;
-- a_partitioned
SELECT day / 10 AS decade, sum(value) AS total, count(DISTINCT sensor) AS sensors FROM measurements GROUP BY 1;
-- a_output_expressions
SELECT tier, round(avg(balance), 2) AS avg_balance, sum(balance) / count(*) AS manual FROM accounts GROUP BY tier;
-- a_integer_division
SELECT account_id, sum(amount) / count(*) AS per FROM events GROUP BY account_id;
-- a_having_filter
SELECT e.kind, count(*) AS n FROM events e WHERE e.amount > 0 AND e.note IS NOT NULL GROUP BY e.kind HAVING sum(e.amount) > 100;
-- a_dates
SELECT date_trunc('month', opened) AS m, count(*) AS n FROM accounts GROUP BY 1;
-- d_single
SELECT DISTINCT kind FROM events;
-- d_pair
SELECT DISTINCT account_id, kind FROM events WHERE amount > 0;
-- d_nullable
SELECT DISTINCT region, tier FROM accounts;
-- d_keyless
SELECT DISTINCT sensor, value FROM readings;
-- u_rows
SELECT id, 'account' AS kind FROM accounts UNION ALL SELECT id, kind FROM events WHERE amount > 100;
-- u_groups
SELECT region AS k, count(*) AS n FROM accounts GROUP BY region UNION ALL SELECT kind, count(*) FROM events GROUP BY kind;
-- s_aggregate_join
SELECT t.account_id, t.total, a.region
  FROM (SELECT account_id, sum(amount) AS total FROM events GROUP BY account_id) t JOIN accounts a ON a.id = t.account_id;
-- s_cte
WITH big AS (SELECT id, account_id, amount FROM events WHERE amount > 50)
SELECT b.id, b.amount, a.tier FROM big b JOIN accounts a ON a.id = b.account_id;
-- s_chained_ctes
WITH t AS (SELECT account_id, sum(amount) AS s FROM events GROUP BY account_id),
     r AS (SELECT account_id, s FROM t WHERE s > 100)
SELECT account_id, s FROM r;
-- s_aggregate_of_aggregate
SELECT k.kinds, count(*) AS accounts
  FROM (SELECT account_id, count(DISTINCT kind) AS kinds FROM events GROUP BY account_id) k GROUP BY k.kinds;
-- s_union
SELECT u.k, count(*) AS n FROM (SELECT region AS k FROM accounts UNION ALL SELECT kind FROM events) u GROUP BY u.k;
-- s_cte_twice
WITH t AS (SELECT account_id, sum(amount) AS s FROM events GROUP BY account_id)
SELECT x.account_id, x.s, y.s AS next FROM t x JOIN t y ON y.account_id = x.account_id + 1;
-- v_filtered_view
SELECT b.id, b.amount, a.region FROM big_events b JOIN accounts a ON a.id = b.account_id;
-- v_aggregate_view
SELECT t.account_id, t.total, t.n FROM account_totals t WHERE t.total > 100;
-- v_view_of_view_grouped
SELECT b.kind, count(*) AS n, sum(b.amount) AS total FROM big_events b GROUP BY b.kind;
-- w_rank
SELECT id, account_id, amount, rank() OVER (PARTITION BY account_id ORDER BY amount DESC) AS r FROM events;
-- w_dense_row_number
SELECT id, region, balance, dense_rank() OVER (PARTITION BY region ORDER BY balance) AS dr,
       row_number() OVER (PARTITION BY region ORDER BY balance, id) AS rn FROM accounts;
-- w_aggregates
SELECT id, account_id, sum(amount) OVER (PARTITION BY account_id ORDER BY id) AS running,
       count(*) OVER (PARTITION BY account_id) AS n, avg(amount) OVER (PARTITION BY account_id) AS av FROM events;
-- w_whole
SELECT id, balance, rank() OVER (ORDER BY balance DESC, id) AS r FROM accounts;
-- w_leaderboard
SELECT account_id, sum(amount) AS total, count(*) AS n, rank() OVER (ORDER BY sum(amount) DESC) AS r FROM events GROUP BY account_id;
-- w_groups_partitioned
SELECT a.region, e.kind, sum(e.amount) AS total, rank() OVER (PARTITION BY a.region ORDER BY sum(e.amount) DESC) AS r
  FROM events e JOIN accounts a ON a.id = e.account_id GROUP BY a.region, e.kind;
-- w_join
SELECT e.id, a.region, row_number() OVER (PARTITION BY a.region ORDER BY e.id) AS rn FROM events e JOIN accounts a ON a.id = e.account_id;
-- t_top
SELECT id, balance FROM accounts ORDER BY balance DESC, id LIMIT 5;
-- t_offset
SELECT id, amount FROM events ORDER BY amount, id LIMIT 10 OFFSET 5;
-- t_groups
SELECT account_id, sum(amount) AS total FROM events GROUP BY account_id ORDER BY total DESC, account_id LIMIT 3;
-- t_join
SELECT e.id, a.region FROM events e JOIN accounts a ON a.id = e.account_id ORDER BY e.amount DESC, e.id LIMIT 7;
-- t_groups_having
SELECT account_id, count(*) AS n, sum(amount) AS total FROM events GROUP BY account_id HAVING count(*) > 1
 ORDER BY total DESC NULLS LAST, account_id LIMIT 4;
-- t_groups_join_expression
SELECT a.region, e.kind, sum(e.amount) AS total FROM events e JOIN accounts a ON a.id = e.account_id
 GROUP BY a.region, e.kind ORDER BY sum(e.amount), a.region, e.kind LIMIT 3;
-- t_groups_exists
SELECT e.account_id, count(*) AS n, max(e.amount) AS top FROM events e
 WHERE EXISTS (SELECT 1 FROM accounts a WHERE a.id = e.account_id AND a.balance > 0)
 GROUP BY e.account_id ORDER BY n DESC, e.account_id LIMIT 2;
-- st_filter
SELECT region, total FROM by_region WHERE total > 500;
-- st_aggregate
SELECT count(*) AS groups, sum(n) AS rows FROM by_account;
-- st_mixed_join
SELECT e.id, e.amount, v.total AS account_total, r.total AS region_total
  FROM events e JOIN by_account v ON v.account_id = e.account_id JOIN accounts a ON a.id = e.account_id
  JOIN by_region r ON r.region = a.region;
-- st_top
SELECT account_id, total FROM by_account ORDER BY total DESC, account_id LIMIT 5;
-- st_window
SELECT account_id, total, rank() OVER (ORDER BY total DESC) AS r FROM by_account;
-- st_left
SELECT a.id, v.total FROM accounts a LEFT JOIN by_account v ON v.account_id = a.id;
-- r_right
SELECT a.id, e.id AS eid, e.amount FROM events e RIGHT JOIN accounts a ON a.id = e.account_id;
-- r_inner_then_right
SELECT e.id, m.name, a.id AS aid FROM events e JOIN merchants m ON m.id = e.merchant_id
  RIGHT JOIN accounts a ON a.id = e.account_id;
-- r_left_then_right
SELECT a.id, e.id AS eid, m.id AS mid FROM accounts a LEFT JOIN events e ON e.account_id = a.id
  RIGHT JOIN merchants m ON m.id = e.merchant_id;
-- r_right_then_left
SELECT e.id, a.id AS aid, m.name FROM events e RIGHT JOIN accounts a ON a.id = e.account_id
  LEFT JOIN merchants m ON m.id = e.merchant_id;
-- f_full
SELECT a.id AS aid, e.id AS eid, e.amount FROM accounts a FULL JOIN events e ON e.account_id = a.id;
-- f_full_then_left
SELECT a.id AS aid, e.id AS eid, m.category FROM accounts a FULL JOIN events e ON e.account_id = a.id
  LEFT JOIN merchants m ON m.id = e.merchant_id;
-- f_inner_then_full
SELECT e.id, a.region, m.id AS mid FROM events e JOIN accounts a ON a.id = e.account_id
  FULL JOIN merchants m ON m.id = e.merchant_id;
-- f_full_full
SELECT a.id AS aid, e.id AS eid, m.id AS mid FROM accounts a FULL JOIN events e ON e.account_id = a.id
  FULL JOIN merchants m ON m.id = e.merchant_id;
-- f_full_where
SELECT a.id AS aid, e.id AS eid FROM accounts a FULL JOIN events e ON e.account_id = a.id WHERE a.id IS NULL OR e.id IS NULL;
-- f_full_grouped
SELECT coalesce(a.region, '?') AS region, count(e.id) AS events, count(a.id) AS accounts, sum(e.amount) AS total
  FROM accounts a FULL JOIN events e ON e.account_id = a.id GROUP BY coalesce(a.region, '?');
-- f_full_null_keys
SELECT a.id AS aid, b.id AS bid FROM accounts a FULL JOIN accounts b ON a.region = b.region AND a.id + 1 = b.id;
-- s_exists
SELECT a.id, a.region FROM accounts a WHERE EXISTS (SELECT 1 FROM events e WHERE e.account_id = a.id AND e.amount > 100);
-- s_not_exists
SELECT a.id FROM accounts a WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.account_id = a.id);
-- s_in
SELECT id, kind FROM events WHERE account_id IN (SELECT id FROM accounts WHERE tier = 'gold');
-- s_not_in
SELECT id FROM events WHERE account_id NOT IN (SELECT id FROM accounts WHERE region = 'north');
-- s_not_in_nullable
SELECT id FROM accounts WHERE id NOT IN (SELECT account_id FROM events WHERE kind = 'fee');
-- s_in_select_list
SELECT id, account_id IN (SELECT id FROM accounts WHERE balance > 100) AS rich, merchant_id IN (SELECT id FROM merchants) AS known
  FROM events;
-- s_exists_or
SELECT a.id FROM accounts a WHERE a.tier = 'gold' OR EXISTS (SELECT 1 FROM events e WHERE e.account_id = a.id AND e.kind = 'fee');
-- s_in_or_not_exists
SELECT e.id FROM events e WHERE e.merchant_id IN (SELECT id FROM merchants WHERE category = 'food')
  OR NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = e.account_id);
-- s_scalar_correlated
SELECT a.id, (SELECT sum(e.amount) FROM events e WHERE e.account_id = a.id) AS total,
  (SELECT count(*) FROM events e WHERE e.account_id = a.id) AS n FROM accounts a;
-- s_correlated_across_types
SELECT a.id, (SELECT count(*) FROM events e WHERE e.amount = a.balance) AS same_amount FROM accounts a;
-- s_correlated_two_columns
SELECT m.id, (SELECT count(*) FROM events e WHERE e.merchant_id = m.id AND e.account_id = m.id) AS n FROM merchants m;
-- s_scalar_where
SELECT e.id, e.amount FROM events e WHERE e.amount > (SELECT avg(e2.amount) FROM events e2 WHERE e2.account_id = e.account_id);
-- s_scalar_uncorrelated
SELECT id, balance FROM accounts WHERE balance > (SELECT avg(balance) FROM accounts);
-- s_scalar_uncorrelated_select
SELECT id, amount - (SELECT max(amount) FROM events) AS below_max FROM events WHERE kind = 'buy';
-- s_scalar_over_cte
WITH totals AS (SELECT account_id, sum(amount) AS total FROM events WHERE kind IN ('buy', 'sell') GROUP BY account_id)
SELECT a.id, a.region, t.total FROM accounts a JOIN totals t ON t.account_id = a.id
 WHERE t.total = (SELECT max(total) FROM totals);
-- s_scalar_over_view_and_subquery
SELECT a.id, a.balance FROM accounts a
 WHERE a.balance > (SELECT avg(v.total) FROM account_totals v) - 100
   AND EXISTS (SELECT 1 FROM (SELECT e.account_id FROM events e JOIN merchants m ON m.id = e.merchant_id) x);
-- l_lateral_aggregate
SELECT a.id, a.region, s.n, s.total FROM accounts a,
  LATERAL (SELECT count(*) AS n, sum(e.amount) AS total FROM events e WHERE e.account_id = a.id) s;
-- l_lateral_top_per_account
SELECT a.id, t.event_id, t.amount FROM accounts a CROSS JOIN LATERAL
  (SELECT e.id AS event_id, e.amount FROM events e WHERE e.account_id = a.id ORDER BY e.amount DESC NULLS LAST, e.id LIMIT 2) t;
-- l_left_lateral_join
SELECT a.id, a.tier, x.name, x.amount FROM accounts a LEFT JOIN LATERAL
  (SELECT m.name, e.amount FROM events e JOIN merchants m ON m.id = e.merchant_id WHERE e.account_id = a.id AND e.amount > 50) x ON true;
-- l_lateral_grouped
SELECT a.region, sum(s.total) AS total FROM accounts a,
  LATERAL (SELECT sum(e.amount) AS total FROM events e WHERE e.account_id = a.id AND e.kind = 'buy') s GROUP BY a.region;
-- h_correlated_same_table
SELECT e.account_id, count(*) AS n FROM events e GROUP BY e.account_id
HAVING count(*) > (SELECT count(*) FROM events e2 WHERE e2.account_id = e.account_id AND e2.kind = 'buy');
-- h_correlated_join
SELECT a.region, sum(a.balance) AS total FROM accounts a GROUP BY a.region
HAVING sum(a.balance) > (SELECT coalesce(sum(e.amount), 0) FROM events e JOIN accounts a2 ON a2.id = e.account_id
                          WHERE a2.region = a.region);
-- s_exists_uncorrelated
SELECT id FROM accounts WHERE EXISTS (SELECT 1 FROM merchants WHERE category = 'travel');
-- s_in_grouped
SELECT a.id, a.tier FROM accounts a WHERE a.id IN (SELECT account_id FROM events GROUP BY account_id HAVING sum(amount) > 300);
-- s_nested
SELECT m.id, m.name FROM merchants m WHERE m.id IN (SELECT e.merchant_id FROM events e
  WHERE e.account_id IN (SELECT a.id FROM accounts a WHERE a.region = 'north')
    AND e.amount > (SELECT avg(e2.amount) FROM events e2 WHERE e2.merchant_id = e.merchant_id));
-- s_exists_grouped_outer
SELECT a.tier, count(*) AS n FROM accounts a
  WHERE EXISTS (SELECT 1 FROM events e WHERE e.account_id = a.id AND e.kind = 'buy') GROUP BY a.tier;
-- s_not_exists_join
SELECT e.id, a.region FROM events e JOIN accounts a ON a.id = e.account_id
  WHERE NOT EXISTS (SELECT 1 FROM merchants m WHERE m.id = e.merchant_id AND m.category IS NOT NULL);
-- s_left_join_exists
SELECT a.id, e.id AS eid FROM accounts a LEFT JOIN events e ON e.account_id = a.id
  WHERE EXISTS (SELECT 1 FROM merchants m WHERE m.id = e.merchant_id) OR e.id IS NULL;
-- s_scalar_case
SELECT a.id, CASE WHEN EXISTS (SELECT 1 FROM events e WHERE e.account_id = a.id AND e.amount < 0) THEN 'debtor' ELSE 'ok' END AS status
  FROM accounts a;
-- u_union
SELECT region FROM accounts UNION SELECT kind FROM events;
-- u_union_then_all
SELECT account_id AS id FROM events UNION SELECT id FROM accounts WHERE tier = 'gold' UNION ALL SELECT id FROM merchants;
-- u_union_grouped_outer
SELECT s.v, count(*) AS n FROM (SELECT region AS v FROM accounts UNION SELECT kind FROM events) s GROUP BY s.v;
-- i_intersect
SELECT account_id, kind FROM events WHERE amount > 50 INTERSECT SELECT account_id, kind FROM events WHERE note IS NULL;
-- x_except
SELECT id FROM accounts EXCEPT SELECT account_id FROM events;
-- x_except_nulls
SELECT region, tier FROM accounts EXCEPT SELECT region, 'gold' FROM accounts WHERE balance > 100;
-- x_except_then_union
SELECT id FROM accounts EXCEPT SELECT account_id FROM events WHERE kind = 'fee' UNION SELECT id FROM merchants;
-- d_distinct_on
SELECT DISTINCT ON (account_id) account_id, id, amount FROM events ORDER BY account_id, amount DESC, id;
-- d_distinct_on_join
SELECT DISTINCT ON (a.region) a.region, a.id, e.amount FROM accounts a JOIN events e ON e.account_id = a.id
  ORDER BY a.region, e.amount, e.id;
-- w_top_per_group
SELECT t.account_id, t.id, t.rn FROM (SELECT account_id, id, row_number() OVER (PARTITION BY account_id ORDER BY amount DESC, id) AS rn
  FROM events) t WHERE t.rn <= 2;
-- w_subquery_running
SELECT t.id, t.running FROM (SELECT id, sum(amount) OVER (PARTITION BY kind ORDER BY id) AS running FROM events) t
  WHERE t.running > 100;
-- g_rollup
SELECT region, tier, count(*) AS n, sum(balance) AS total, grouping(region, tier) AS g
  FROM accounts GROUP BY ROLLUP(region, tier);
-- g_cube_expression
SELECT kind, account_id % 3 AS bucket, count(*) AS n, sum(amount) AS s, grouping(account_id % 3) AS gb
  FROM events GROUP BY CUBE(kind, account_id % 3);
-- g_sets_having
SELECT region, tier, max(balance) AS hi, upper(region) AS r FROM accounts
  GROUP BY GROUPING SETS ((region), (tier), ()) HAVING count(*) > 1;
-- g_join_partial_rollup
SELECT e.kind, a.region, count(*) AS n, min(e.amount) AS lo FROM events e JOIN accounts a ON a.id = e.account_id
  GROUP BY e.kind, ROLLUP(a.region);
-- g_empty_set_no_aggregate
SELECT tier FROM accounts GROUP BY GROUPING SETS ((tier), ());
-- o_string_array_agg
SELECT account_id, string_agg(kind, ',' ORDER BY id) AS kinds, array_agg(amount ORDER BY id) AS amounts
  FROM events GROUP BY account_id;
-- o_json_aggs
SELECT kind, jsonb_agg(amount ORDER BY id) AS a, json_agg(note ORDER BY id) AS n, jsonb_object_agg(id, amount) AS m
  FROM events WHERE account_id < 10 GROUP BY kind;
-- o_ordered_set
SELECT kind, percentile_cont(0.5) WITHIN GROUP (ORDER BY amount) AS median,
  percentile_disc(0.9) WITHIN GROUP (ORDER BY amount) AS p90, mode() WITHIN GROUP (ORDER BY account_id) AS common
  FROM events GROUP BY kind;
-- o_stddev_variance
SELECT account_id, stddev(amount) AS sd, variance(amount) AS var, stddev_pop(amount) AS sdp, var_samp(amount) AS vs
  FROM events GROUP BY account_id;
-- x_lateral_unnest_ordinality
SELECT a.id, u.v, u.n FROM accounts a CROSS JOIN LATERAL unnest(ARRAY[a.region, a.tier]) WITH ORDINALITY AS u(v, n);
-- x_lateral_series_left
SELECT a.id, g.i FROM accounts a LEFT JOIN LATERAL generate_series(1, a.id % 4) AS g(i) ON true WHERE a.tier <> 'gold';
-- x_lateral_jsonb_elements
SELECT e.id, j.value FROM events e, jsonb_array_elements(jsonb_build_array(e.amount, e.note)) AS j(value)
  WHERE e.account_id < 20;
-- x_lateral_grouped
SELECT g.i, count(*) AS n, sum(a.balance) AS total FROM accounts a, generate_series(1, a.id % 3) AS g(i) GROUP BY g.i;
-- x_srf_select_list
SELECT id, unnest(ARRAY[region, tier]) AS part, generate_series(1, 2) AS k FROM accounts WHERE id % 3 = 0;
-- x_lateral_after_join
SELECT e.id, a.region, w.word FROM events e JOIN accounts a ON a.id = e.account_id,
  LATERAL regexp_split_to_table(coalesce(e.note, ''), '') AS w(word);
-- x_lateral_select_srf
SELECT a.id, s.x, s.y FROM accounts a, LATERAL (SELECT unnest(ARRAY[a.id, a.id * 2]) AS x, a.tier AS y) s;
-- x_jsonb_each_distinct
SELECT DISTINCT kv.key, kv.value FROM merchants m,
  jsonb_each_text(jsonb_build_object('name', m.name, 'category', m.category)) AS kv(key, value) WHERE kv.value <> 'food';
-- s_intersect_all
SELECT kind, account_id % 4 AS b FROM events WHERE amount > 50 INTERSECT ALL SELECT kind, account_id % 4 FROM events WHERE note IS NULL;
-- s_except_all
SELECT region, tier FROM accounts EXCEPT ALL SELECT a.region, a.tier FROM accounts a JOIN events e ON e.account_id = a.id AND e.kind = 'fee';
-- s_except_all_over_union
(SELECT account_id FROM events WHERE kind = 'buy' UNION ALL SELECT id FROM accounts) EXCEPT ALL SELECT account_id FROM events WHERE kind = 'sell';
-- j_parenthesized_right
SELECT a.id, e.id AS eid, m.name FROM accounts a JOIN (events e JOIN merchants m ON m.id = e.merchant_id)
  ON e.account_id = a.id AND m.category IS NOT NULL;
-- j_parenthesized_right_left_outer
SELECT a.id, e.id AS eid, m.name FROM accounts a LEFT JOIN events e ON e.account_id = a.id
  JOIN (merchants m CROSS JOIN (SELECT DISTINCT kind FROM events) k) ON m.id = e.merchant_id AND k.kind = e.kind;
-- q_having_scalar
SELECT account_id, sum(amount) AS total FROM events GROUP BY account_id
  HAVING sum(amount) > (SELECT sum(amount) * 0.02 FROM events) AND account_id <> 3;
-- q_having_exists
SELECT a.region, count(*) AS n FROM accounts a JOIN events e ON e.account_id = a.id GROUP BY a.region
  HAVING count(*) > 2 OR EXISTS (SELECT 1 FROM merchants m WHERE m.category = 'travel' AND m.id < 3);
-- r_recursive_chain
WITH RECURSIVE chain(id, root, depth) AS (
  SELECT id, id, 0 FROM accounts WHERE id % 10 = 1
  UNION ALL
  SELECT a.id, c.root, c.depth + 1 FROM accounts a JOIN chain c ON a.id = c.id + 3 WHERE c.depth < 6)
SELECT root, count(*) AS n, max(depth) AS deepest FROM chain GROUP BY root;
-- r_recursive_reach
WITH RECURSIVE reach(account_id, merchant_id) AS (
  SELECT account_id, merchant_id FROM events WHERE merchant_id IS NOT NULL AND amount > 100
  UNION
  SELECT e.account_id, r.merchant_id FROM reach r JOIN events e ON e.merchant_id = r.account_id)
SELECT account_id, merchant_id FROM reach;
-- r_recursive_two_bases
WITH RECURSIVE r(node) AS (
  SELECT account_id FROM events WHERE kind = 'refund'
  UNION
  SELECT merchant_id FROM events WHERE amount > 500 AND merchant_id IS NOT NULL
  UNION
  SELECT e.merchant_id FROM r JOIN events e ON e.account_id = r.node WHERE e.merchant_id IS NOT NULL)
SELECT node FROM r;
-- r_recursive_step_joins_two
WITH RECURSIVE cat(account_id, category, hops) AS (
  SELECT e.account_id, m.category, 0 FROM events e JOIN merchants m ON m.id = e.merchant_id WHERE e.amount > 200
  UNION
  SELECT e.account_id, c.category, c.hops + 1
    FROM cat c, events e JOIN accounts a ON a.id = e.account_id
   WHERE e.merchant_id = c.account_id AND a.tier <> 'bronze' AND c.hops < 3)
SELECT account_id, category, hops FROM cat;
-- r_recursive_join_outside
WITH RECURSIVE ups(id, n) AS (SELECT id, 1 FROM accounts WHERE tier = 'gold' UNION ALL
  SELECT u.id, u.n + 1 FROM ups u WHERE u.n < 3)
SELECT u.id, u.n, a.region FROM ups u JOIN accounts a ON a.id = u.id;
-- g_rollup_over_cte
WITH positive AS (SELECT account_id, kind, amount FROM events WHERE amount > 0)
SELECT kind, account_id % 2 AS parity, sum(amount) AS s FROM positive GROUP BY ROLLUP(kind, account_id % 2);
-- j3_left_then_full
SELECT a.id AS aid, e.id AS eid, m.id AS mid FROM accounts a LEFT JOIN events e ON e.account_id = a.id
  FULL JOIN merchants m ON m.id = e.merchant_id;
-- j3_full_then_left
SELECT a.id AS aid, e.id AS eid, m.name FROM accounts a FULL JOIN events e ON e.account_id = a.id
  LEFT JOIN merchants m ON m.id = e.merchant_id;
-- j3_right_then_left
SELECT a.id AS aid, e.id AS eid, m.category FROM events e RIGHT JOIN accounts a ON a.id = e.account_id
  LEFT JOIN merchants m ON m.id = e.merchant_id;
-- j3_full_then_right
SELECT a.id AS aid, e.id AS eid, m.id AS mid FROM accounts a FULL JOIN events e ON e.account_id = a.id
  RIGHT JOIN merchants m ON m.id = e.merchant_id;
-- j3_inner_then_full
SELECT a.id AS aid, e.id AS eid, m.id AS mid FROM accounts a JOIN events e ON e.account_id = a.id
  FULL JOIN merchants m ON m.id = e.merchant_id;
-- j3_right_then_inner
SELECT a.id AS aid, e.id AS eid, m.name FROM events e RIGHT JOIN accounts a ON a.id = e.account_id
  JOIN merchants m ON m.id = a.id % 14;
-- j3_left_then_right
SELECT a.id AS aid, e.id AS eid, m.id AS mid FROM accounts a LEFT JOIN events e ON e.account_id = a.id
  RIGHT JOIN merchants m ON m.id = e.merchant_id;
-- j4_left_right_full
SELECT a.id AS aid, e.id AS eid, m.id AS mid, b.tier FROM accounts a LEFT JOIN events e ON e.account_id = a.id
  RIGHT JOIN merchants m ON m.id = e.merchant_id FULL JOIN accounts b ON b.id = m.id * 3;
-- j4_full_inner_left
SELECT a.id AS aid, e.id AS eid, m.name, x.id AS other_event FROM accounts a FULL JOIN events e ON e.account_id = a.id
  JOIN merchants m ON m.id = coalesce(e.merchant_id, a.id % 14) LEFT JOIN events x ON x.merchant_id = m.id AND x.account_id = a.id
 WHERE x.id IS NULL OR x.id <> e.id;
-- j4_full_chain_aggregate
SELECT coalesce(m.category, '?') AS category, count(a.id) AS accounts, count(e.id) AS events, sum(e.amount) AS total
  FROM accounts a FULL JOIN events e ON e.account_id = a.id FULL JOIN merchants m ON m.id = e.merchant_id
 GROUP BY coalesce(m.category, '?');
-- j_full_null_keys
SELECT e.id AS eid, m.id AS mid, m.category FROM events e FULL JOIN merchants m ON m.category = e.note;
-- s_not_in_or_exists
SELECT e.id FROM events e WHERE e.merchant_id NOT IN (SELECT m.id FROM merchants m WHERE m.category = 'food')
   OR EXISTS (SELECT 1 FROM accounts a WHERE a.id = e.account_id AND a.region IS NULL);
-- s_scalar_correlated_select_where
SELECT a.id, (SELECT max(e.amount) FROM events e WHERE e.account_id = a.id) AS best FROM accounts a
 WHERE (SELECT count(*) FROM events e WHERE e.account_id = a.id AND e.kind = 'buy') >= 1;
-- o_ordered_set_per_kind
SELECT kind, percentile_cont(0.5) WITHIN GROUP (ORDER BY amount) AS median,
       mode() WITHIN GROUP (ORDER BY account_id) AS usual_account FROM events GROUP BY kind;
