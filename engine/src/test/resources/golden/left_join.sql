-- outputs: id integer, event_id bigint, amount integer
SELECT a.id, e.id AS event_id, e.amount
   FROM public.accounts a
     LEFT JOIN public.events e ON e.account_id = a.id
