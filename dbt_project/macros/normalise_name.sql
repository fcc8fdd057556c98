{#- Campaign names compare after folding case, accents, spaces, '-' and '_' (DESIGN.md). -#}
{% macro normalise_name(expr) -%}
    {{ return(adapter.dispatch('normalise_name', 'vanity_funnel')(expr)) }}
{%- endmacro %}

{#- A value already folded (lower-case letters and digits: most CRM stages and utm values)
    is returned as it is; only the others pay for accents, case and the pattern. -#}
{% macro default__normalise_name(expr) -%}
    case
        when regexp_full_match({{ expr }}, '[a-z0-9]+') then {{ expr }}
        else nullif(regexp_replace(lower(strip_accents(trim({{ expr }}))), '[\s_\-]+', '', 'g'), '')
    end
{%- endmacro %}
