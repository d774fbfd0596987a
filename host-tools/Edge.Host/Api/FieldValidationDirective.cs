namespace Edge.Host.Api;

/// <summary>
/// What a write does with fields the kind does not have and fields given twice
/// (<c>?fieldValidation=</c>, which kubectl sends from its --validate): Ignore drops them, Warn
/// drops them with a warning each, Strict refuses the request. Warn when not given, as in Kubernetes.
/// </summary>
public enum FieldValidationDirective
{
    Ignore,
    Warn,
    Strict,
}
