-- outputs: id bigint, amount integer, tier text
WITH big AS (
         SELECT events.id, events.account_id, events.amount
           FROM public.events
          WHERE events.amount > 50
        )
 SELECT b.id, b.amount, a.tier
   FROM big b
     JOIN public.accounts a ON a.id = b.account_id
