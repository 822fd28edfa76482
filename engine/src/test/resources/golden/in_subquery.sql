-- outputs: id bigint
SELECT events.id
   FROM public.events
  WHERE (events.account_id IN ( SELECT accounts.id
           FROM public.accounts
          WHERE accounts.tier = 'gold'::text))
