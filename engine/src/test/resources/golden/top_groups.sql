-- outputs: account_id integer, total bigint
SELECT events.account_id, sum(events.amount) AS total
   FROM public.events
  GROUP BY events.account_id
  ORDER BY (sum(events.amount)) DESC, events.account_id
 LIMIT 3
