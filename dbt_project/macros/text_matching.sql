{#-
    The pattern matches the campaign rules need. Regular expressions have no dbt cross-database
    macro, so they live here, once, behind adapter.dispatch: a move to another engine overrides
    these macros and nothing else.
-#}

{#- The value of the first `utm_campaign=` query parameter in a text (URL-decoded spaces). -#}
{% macro extract_utm_campaign(expr) -%}
    {{ return(adapter.dispatch('extract_utm_campaign', 'vanity_funnel')(expr)) }}
{%- endmacro %}

{% macro default__extract_utm_campaign(expr) -%}
    nullif(replace(replace(
        regexp_extract({{ expr }}, 'utm_campaign=([^&#\s"''<>]+)', 1),
        '%20', ' '), '+', ' '), '')
{%- endmacro %}

{#-
    One row per (key, hashtag) of the hashtags a text carries, lower case with their '#'. A tag
    is '#' and the letters, digits and '_' after it, so '#SpringSale26!' is '#springsale26' and
    '#springsale26extra' is not it. Matching on whole tags is an equi-join, not a scan.
-#}
{% macro hashtags_in(relation, key, text, carry=[]) -%}
    {{ return(adapter.dispatch('hashtags_in', 'vanity_funnel')(relation, key, text, carry)) }}
{%- endmacro %}

{% macro default__hashtags_in(relation, key, text, carry) -%}
    select
        {{ key }},
        {%- for column in carry %}
        {{ column }},
        {%- endfor %}
        lower(unnest(regexp_extract_all({{ text }}, '#[\p{L}\p{N}_]+'))) as hashtag
    from {{ relation }}
    where {{ dbt.position("'#'", text) }} > 0
{%- endmacro %}
