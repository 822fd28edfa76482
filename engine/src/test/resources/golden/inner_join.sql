-- outputs: id bigint, amount integer, region text
SELECT e.id, e.amount, a.region
   FROM public.events e
     JOIN public.accounts a ON a.id = e.account_id
  WHERE e.amount > 10
