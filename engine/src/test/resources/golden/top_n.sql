-- outputs: id integer, balance numeric
SELECT accounts.id, accounts.balance
   FROM public.accounts
  ORDER BY accounts.balance DESC, accounts.id
 LIMIT 10
