namespace Edge.Host.Api;

/// <summary>A request refused with a Status of this code and reason, in the words kube-apiserver uses for the same case.</summary>
public sealed class ApiException(int code, string reason, string message) : Exception(message)
{
    public int Code { get; } = code;

    /// <summary>The Status reason (BadRequest, Invalid...); empty for kube-apiserver's unclassified errors, which kubectl prints as "Error from server: …".</summary>
    public string Reason { get; } = reason;

    /// <summary>The Status's details (a conflict's causes), when there are any.</summary>
    public System.Text.Json.Nodes.JsonObject? Details { get; init; }
}
