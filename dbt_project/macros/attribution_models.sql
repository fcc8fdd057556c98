{#- The attribution models every conversion is credited under (DESIGN.md); the default one
    is var('attribution_model'). -#}
{% macro attribution_models() -%}
    {{ return(['first_touch', 'last_touch', 'linear', 'position_based']) }}
{%- endmacro %}

{#- A one-column relation listing them, for a CTE:
    `models as ({{ attribution_models_relation() }})`. -#}
{% macro attribution_models_relation() -%}
    {%- for model in attribution_models() %}
    select '{{ model }}' as attribution_model{% if not loop.last %}
    union all{% endif %}
    {%- endfor %}
{%- endmacro %}
