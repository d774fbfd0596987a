using System.Text;
using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Api;

/// <summary>
/// What kube-apiserver does to a Secret before it validates and stores it: no type is Opaque,
/// and stringData is written into data (base64 of its UTF-8, a key in both taking stringData's
/// value) and not kept. So `get secret -o yaml` shows data as Kubernetes shows it, whichever way
/// the manifest wrote it, and whatever reads a Secret reads data alone.
/// </summary>
public static class SecretDefaults
{
    public static void Apply(KubeObject secret)
    {
        if ((string?)secret.Json["type"] is null or "")
        {
            secret.Json["type"] = "Opaque";
        }

        if (secret.Json["stringData"] is not JsonObject strings)
        {
            return;
        }

        if (strings.Count > 0)
        {
            if (secret.Json["data"] is not JsonObject data)
            {
                secret.Json["data"] = data = [];
            }

            foreach ((string key, JsonNode? value) in strings)
            {
                data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value is JsonValue v && v.TryGetValue(out string? s) ? s : ""));
            }
        }

        secret.Json.Remove("stringData");
    }
}
