-- outputs: id bigint, amount integer, region text
SELECT b.id, b.amount, a.region
   FROM public.big_events b
     JOIN public.accounts a ON a.id = b.account_id
