-- outputs: sensor integer, doubled double precision
SELECT readings.sensor, readings.value * 2 AS doubled
   FROM public.readings
  WHERE readings.value > 0
