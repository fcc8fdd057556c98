{#- Attribution weights: per group (a lead or deal and a model) they sum to 1, so a conversion
    is counted once in total whatever the model. -#}
{% test weights_sum_to_one(model, column_name, group_by, tolerance=0.000001) %}
    {%- set groups = group_by | join(', ') %}
    select {{ groups }}, sum({{ column_name }}) as total_weight
    from {{ model }}
    group by {{ groups }}
    having abs(sum({{ column_name }}) - 1.0) > {{ tolerance }}
{% endtest %}
