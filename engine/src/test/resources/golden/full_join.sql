-- outputs: account_id integer, event_id bigint
SELECT a.id AS account_id, e.id AS event_id
   FROM public.accounts a
     FULL JOIN public.events e ON e.account_id = a.id
