-- outputs: account_id integer, total bigint, region text
SELECT t.account_id, t.total, a.region
   FROM ( SELECT events.account_id, sum(events.amount) AS total
           FROM public.events
          GROUP BY events.account_id) t
     JOIN public.accounts a ON a.id = t.account_id
