-- outputs: account_id integer, reached integer
WITH RECURSIVE reach(account_id, reached) AS (
         SELECT events.account_id, events.amount
           FROM public.events
          WHERE events.kind = 'transfer'::text
        UNION
         SELECT r.account_id, e.amount
           FROM (reach r
             JOIN public.events e ON e.account_id = r.reached)
          WHERE e.kind = 'transfer'::text
        )
 SELECT reach.account_id, reach.reached
   FROM reach
