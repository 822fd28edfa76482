-- outputs: id bigint, account_id integer, r bigint
SELECT events.id, events.account_id, rank() OVER (PARTITION BY events.account_id ORDER BY events.amount DESC) AS r
   FROM public.events
