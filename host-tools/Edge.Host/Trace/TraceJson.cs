using System.Text.Json;

namespace Edge.Host.Trace;

/// <summary>How a trace crosses the API (edgectl and the lab view read it back into the same records).</summary>
public static class TraceJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = false };
}
