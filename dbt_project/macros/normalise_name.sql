{#- Campaign names compare after folding case, accents, spaces, '-' and '_' (DESIGN.md). -#}
{% macro normalise_name(expr) -%}
    {{ return(adapter.dispatch('normalise_name', 'vanity_funnel')(expr)) }}
{%- endmacro %}

{% macro default__normalise_name(expr) -%}
    nullif(regexp_replace(lower(strip_accents(trim({{ expr }}))), '[\s_\-]+', '', 'g'), '')
{%- endmacro %}
