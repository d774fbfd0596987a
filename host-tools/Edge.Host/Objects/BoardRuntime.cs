using System.Text.Json.Nodes;

namespace Edge.Host.Objects;

/// <summary>
/// What a board's runtime holds besides memory, as extended resources on its Node: the
/// containers across its pods and the probes they have (a WROOM board has room for few). A pod
/// asks for them without saying so: one of each per container and per probe it has, counted
/// by the scheduler as it counts pods ("Insufficient edge.dev/probes").
/// </summary>
public static class BoardRuntime
{
    public const string Containers = "edge.dev/containers";
    public const string Probes = "edge.dev/probes";

    /// <summary>The containers and probes a pod spec has.</summary>
    public static (int Containers, int Probes) Count(JsonNode? podSpec)
    {
        JsonObject[] containers = (podSpec?["containers"] as JsonArray ?? []).OfType<JsonObject>().ToArray();
        int probes = containers.Sum(c => Compile.ProbeCompiler.Fields.Count(p => c[p] is JsonObject));
        return (containers.Length, probes);
    }
}
