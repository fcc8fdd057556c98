{#- Campaign names compare after folding case, accents, spaces, '-' and '_' (DESIGN.md). -#}
{% macro normalise_name(expr) -%}
    nullif(regexp_replace(lower(strip_accents(trim({{ expr }}))), '[\s_\-]+', '', 'g'), '')
{%- endmacro %}
