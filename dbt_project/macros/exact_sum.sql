{#- The sum of a DOUBLE expression, the same whatever order its rows are added in. A parallel
    sum of doubles is not: its last bits changed from one run to the next on the same inputs
    (revenue_won 48409.665 vs 48409.664999999986). Each value is rounded to 1e-12 and the
    values are added exactly, as decimals. -#}
{% macro exact_sum(expr) -%}
    cast(sum(cast({{ expr }} as decimal(38, 12))) as {{ dbt.type_float() }})
{%- endmacro %}
