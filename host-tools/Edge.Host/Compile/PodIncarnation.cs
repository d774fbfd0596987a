namespace Edge.Host.Compile;

/// <summary>
/// The part of a pod's uid a board keeps and reports back: enough to tell two pods of the same
/// name apart (a uid is random, so its first 8 hex digits, 32 bits, collide once in some four
/// billion re-creations of one name), and 36 bytes less per pod on a WROOM board's heap than
/// the whole 36 characters. Reports are matched to pods by it.
/// </summary>
public static class PodIncarnation
{
    public const int Length = 8;

    public static string Of(string uid) => uid.Length <= Length ? uid : uid[..Length];

    /// <summary>Whether a board's report (its incarnation, or a whole uid) is about the pod with this uid.</summary>
    public static bool Same(string? uid, string? reported) => uid != null && reported != null && Of(uid) == Of(reported);
}
