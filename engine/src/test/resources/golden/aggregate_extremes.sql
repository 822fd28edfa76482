-- outputs: account_id integer, lo integer, hi integer, kinds bigint
SELECT events.account_id, min(events.amount) AS lo, max(events.amount) AS hi, count(DISTINCT events.kind) AS kinds
   FROM public.events
  GROUP BY events.account_id
