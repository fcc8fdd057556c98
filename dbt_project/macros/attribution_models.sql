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

{#- int_leads_attributed_to_campaigns (one row per touch, a weight_<model> column per model) as
    one row per model and credited touch, with attribution_model and weight: the shape every
    conversion has downstream. -#}
{% macro lead_credit_by_model(leads) -%}
    {%- for model in attribution_models() %}
    select *, '{{ model }}' as attribution_model, weight_{{ model }} as weight
    from {{ leads }}
    where weight_{{ model }} > 0
    {%- if not loop.last %}
    union all{% endif %}
    {%- endfor %}
{%- endmacro %}
