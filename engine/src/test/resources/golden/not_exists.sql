-- outputs: id integer
SELECT a.id
   FROM public.accounts a
  WHERE NOT (EXISTS ( SELECT 1
           FROM public.events e
          WHERE e.account_id = a.id))
