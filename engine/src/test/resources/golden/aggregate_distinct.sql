-- outputs: account_id integer, kinds bigint, amounts bigint, average numeric
SELECT events.account_id, count(DISTINCT events.kind) AS kinds, sum(DISTINCT events.amount) FILTER (WHERE events.amount > 10) AS amounts, avg(DISTINCT events.amount) AS average
   FROM public.events
  GROUP BY events.account_id
