{#- The later of two timestamps, either may be NULL (greatest() treats NULL differently per
    engine). Used for lineage: a matched row depends on its own file and the plan's. -#}
{% macro newest(a, b) -%}
    case when {{ b }} is null or {{ a }} >= {{ b }} then coalesce({{ a }}, {{ b }}) else {{ b }} end
{%- endmacro %}
