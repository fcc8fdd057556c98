{#- Attribution weights: per group (a lead or deal and a model) they sum to 1, so a conversion
    is counted once in total whatever the model. On a column (`column_name`), or on several
    weight columns at once (`columns`: one column per model, one pass over the table). -#}
{% test weights_sum_to_one(model, group_by, column_name=none, columns=none,
                           tolerance=0.000001) %}
    {%- set groups = group_by | join(', ') %}
    {%- set weights = columns or [column_name] %}
    select {{ groups }}
        {%- for weight in weights %}, sum({{ weight }}) as total_{{ weight }}{% endfor %}
    from {{ model }}
    group by {{ groups }}
    having
        {%- for weight in weights %}
        abs(sum({{ weight }}) - 1.0) > {{ tolerance }}{% if not loop.last %} or{% endif %}
        {%- endfor %}
{% endtest %}
