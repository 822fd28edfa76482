-- outputs: id integer, events bigint, top integer
SELECT a.id, count(e.id) AS events, max(e.amount) AS top
   FROM public.accounts a
     LEFT JOIN public.events e ON e.account_id = a.id
  GROUP BY a.id
