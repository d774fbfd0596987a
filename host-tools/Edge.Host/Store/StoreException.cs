namespace Edge.Host.Store;

/// <summary>Why a store request was refused, with the HTTP status Kubernetes gives the same case.</summary>
public enum StoreError
{
    Forbidden = 403,
    NotFound = 404,
    AlreadyExists = 409,
    Conflict = 4090,
    Gone = 410,
    Invalid = 422,
}

/// <summary>A refused store request, with a message that says what to do.</summary>
public sealed class StoreException(StoreError error, string message) : Exception(message)
{
    public StoreError Error { get; } = error;

    /// <summary>The HTTP status the API answers with (Conflict and AlreadyExists are both 409).</summary>
    public int HttpStatus => Error == StoreError.Conflict ? 409 : (int)Error;
}
