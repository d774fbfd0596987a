using System.Text.Json.Nodes;

namespace Edge.Host.Api.Protobuf;

/// <summary>
/// The Kubernetes protobuf envelope (the bytes "k8s\0", then a runtime.Unknown: its TypeMeta and
/// the object's own message), read into the JSON form Edge keeps, for the kinds whose
/// `kubectl create` kubectl 1.32 and later send as protobuf: ConfigMap, Secret, Namespace, and
/// Deployment, Service and Ingress through <see cref="ProtoSchema"/> (field numbers as k8s.io/api's
/// generated.proto gives them).
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

        JsonObject? obj = (apiVersion, kind) switch
        {
            ("v1", "ConfigMap") => ConfigMap(raw),
            ("v1", "Secret") => Secret(raw),
            ("v1", "Namespace") => OnlyMetadata(raw),
            ("apps/v1", "Deployment") or ("v1", "Service") or ("networking.k8s.io/v1", "Ingress") => ProtoSchema.Read(kind, raw),
            _ => null,
        };
        if (obj != null)
        {
            obj.Insert(0, "apiVersion", apiVersion);
            obj.Insert(1, "kind", kind);
        }

        return obj;
    }

    // ConfigMap: metadata 1, data 2 (map<string, string>), binaryData 3 (map<string, bytes>), immutable 4.
    private static JsonObject ConfigMap(ReadOnlySpan<byte> raw)
    {
        var obj = new JsonObject();
        var r = new ProtoReader(raw);
        while (r.More)
        {
            (int field, int wire) = r.Tag();
            switch (field)
            {
                case 1 when wire == ProtoReader.LengthDelimited: obj["metadata"] = ObjectMeta(r.ReadBytes()); break;
                case 2 when wire == ProtoReader.LengthDelimited: Entry(obj, "data", r.ReadBytes(), base64: false); break;
                case 3 when wire == ProtoReader.LengthDelimited: Entry(obj, "binaryData", r.ReadBytes(), base64: true); break;
                case 4 when wire == ProtoReader.Varint: obj["immutable"] = r.ReadVarint() != 0; break;
                default: r.Skip(wire); break;
            }
        }

        return obj;
    }

    // Secret: metadata 1, data 2 (map<string, bytes>), type 3, stringData 4, immutable 5.
    private static JsonObject Secret(ReadOnlySpan<byte> raw)
    {
        var obj = new JsonObject();
        var r = new ProtoReader(raw);
        while (r.More)
        {
            (int field, int wire) = r.Tag();
            switch (field)
            {
                case 1 when wire == ProtoReader.LengthDelimited: obj["metadata"] = ObjectMeta(r.ReadBytes()); break;
                case 2 when wire == ProtoReader.LengthDelimited: Entry(obj, "data", r.ReadBytes(), base64: true); break;
                case 3 when wire == ProtoReader.LengthDelimited: NonEmpty(obj, "type", r.ReadString()); break;
                case 4 when wire == ProtoReader.LengthDelimited: Entry(obj, "stringData", r.ReadBytes(), base64: false); break;
                case 5 when wire == ProtoReader.Varint: obj["immutable"] = r.ReadVarint() != 0; break;
                default: r.Skip(wire); break;
            }
        }

        return obj;
    }

    // Namespace (and any kind read for its metadata alone): metadata 1; its spec and status are the server's.
    private static JsonObject OnlyMetadata(ReadOnlySpan<byte> raw)
    {
        var obj = new JsonObject();
        var r = new ProtoReader(raw);
        while (r.More)
        {
            (int field, int wire) = r.Tag();
            if (field == 1 && wire == ProtoReader.LengthDelimited)
            {
                obj["metadata"] = ObjectMeta(r.ReadBytes());
            }
            else
            {
                r.Skip(wire);
            }
        }

        return obj;
    }

    // ObjectMeta: name 1, generateName 2, namespace 3, labels 11, annotations 12 (what a client sets; the rest is the server's).
    private static JsonObject ObjectMeta(ReadOnlySpan<byte> raw)
    {
        var meta = new JsonObject();
        var r = new ProtoReader(raw);
        while (r.More)
        {
            (int field, int wire) = r.Tag();
            switch (field)
            {
                case 1 when wire == ProtoReader.LengthDelimited: NonEmpty(meta, "name", r.ReadString()); break;
                case 2 when wire == ProtoReader.LengthDelimited: NonEmpty(meta, "generateName", r.ReadString()); break;
                case 3 when wire == ProtoReader.LengthDelimited: NonEmpty(meta, "namespace", r.ReadString()); break;
                case 11 when wire == ProtoReader.LengthDelimited: Entry(meta, "labels", r.ReadBytes(), base64: false); break;
                case 12 when wire == ProtoReader.LengthDelimited: Entry(meta, "annotations", r.ReadBytes(), base64: false); break;
                default: r.Skip(wire); break;
            }
        }

        return meta;
    }

    // Go's protobuf writes every string, empty ones too, where JSON leaves them out: an empty one is no value.
    private static void NonEmpty(JsonObject into, string member, string value)
    {
        if (value.Length > 0)
        {
            into[member] = value;
        }
    }

    // A map entry (key 1, value 2) added to the member's object; bytes values as JSON carries them, in base64.
    private static void Entry(JsonObject into, string member, ReadOnlySpan<byte> entry, bool base64)
    {
        string key = "";
        JsonNode? value = null;
        var r = new ProtoReader(entry);
        while (r.More)
        {
            (int field, int wire) = r.Tag();
            if (field == 1 && wire == ProtoReader.LengthDelimited)
            {
                key = r.ReadString();
            }
            else if (field == 2 && wire == ProtoReader.LengthDelimited)
            {
                ReadOnlySpan<byte> bytes = r.ReadBytes();
                value = base64 ? Convert.ToBase64String(bytes) : System.Text.Encoding.UTF8.GetString(bytes);
            }
            else
            {
                r.Skip(wire);
            }
        }

        if (into[member] is not JsonObject map)
        {
            map = new JsonObject();
            into[member] = map;
        }

        map[key] = value ?? "";
    }
}
