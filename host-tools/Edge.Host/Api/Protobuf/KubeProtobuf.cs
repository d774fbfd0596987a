using System.Text.Json.Nodes;

namespace Edge.Host.Api.Protobuf;

/// <summary>
/// The Kubernetes protobuf envelope (the bytes "k8s\0", then a runtime.Unknown: its TypeMeta and
/// the object's own message), read into the JSON form Edge keeps, for the kinds whose
/// `kubectl create` kubectl 1.32 and later send as protobuf: ConfigMap, Secret, Namespace,
/// Deployment, Service and Ingress, each through <see cref="ProtoSchema"/> (field numbers as
/// k8s.io/api's generated.proto gives them).
/// Any other kind is refused by the caller with 415, saying to use `kubectl apply -f`.
/// </summary>
public static class KubeProtobuf
{
    public const string ContentType = "application/vnd.kubernetes.protobuf";

    private static ReadOnlySpan<byte> Magic => "k8s\0"u8;

    /// <summary>The object, or null when its kind is not one read here (or the bytes are no envelope).</summary>
    public static JsonObject? Decode(ReadOnlySpan<byte> body)
    {
        if (!body.StartsWith(Magic))
        {
            throw new FormatException("a protobuf body that does not start with Kubernetes' \"k8s\\0\"");
        }

        string apiVersion = "", kind = "";
        ReadOnlySpan<byte> raw = default;
        var unknown = new ProtoReader(body[Magic.Length..]);
        while (unknown.More)
        {
            (int field, int wire) = unknown.Tag();
            if (field == 1 && wire == ProtoReader.LengthDelimited)
            {
                var typeMeta = new ProtoReader(unknown.ReadBytes());
                while (typeMeta.More)
                {
                    (int f, int w) = typeMeta.Tag();
                    if (f == 1 && w == ProtoReader.LengthDelimited)
                    {
                        apiVersion = typeMeta.ReadString();
                    }
                    else if (f == 2 && w == ProtoReader.LengthDelimited)
                    {
                        kind = typeMeta.ReadString();
                    }
                    else
                    {
                        typeMeta.Skip(w);
                    }
                }
            }
            else if (field == 2 && wire == ProtoReader.LengthDelimited)
            {
                raw = unknown.ReadBytes();
            }
            else
            {
                unknown.Skip(wire);
            }
        }

        JsonObject? obj = (apiVersion, kind) is ("v1", "ConfigMap" or "Secret" or "Namespace" or "Service") or ("apps/v1", "Deployment") or ("networking.k8s.io/v1", "Ingress")
            ? ProtoSchema.Read(kind, raw)
            : null;
        if (obj != null)
        {
            obj.Insert(0, "apiVersion", apiVersion);
            obj.Insert(1, "kind", kind);
        }

        return obj;
    }
}
