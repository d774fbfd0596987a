using System.Text.Json.Nodes;

namespace Edge.Host.Api.Protobuf;

/// <summary>
/// How a Kubernetes message's fields map to its JSON, by field number (k8s.io/api's
/// generated.proto): a string, an integer, a boolean, a nested message, a list of messages or of
/// strings, or a map of strings or of bytes. Only the messages and fields `kubectl create` fills in are listed; a field
/// not listed is passed over.
/// </summary>
/// <remarks>Go writes a plain number even when it is 0 (JSON leaves it out); a pointer only when set (<see cref="KeepZero"/>: replicas: 0 is a value).</remarks>
public sealed record ProtoField(string Json, ProtoKind Kind, string? Message = null, bool KeepZero = false);

public enum ProtoKind
{
    String,
    Int,
    Bool,
    Message,
    Messages,
    Strings,
    StringMap,
    BytesMap,
    IntOrString,
}

public static class ProtoSchema
{
    private static ProtoField S(string json) => new(json, ProtoKind.String);
    private static ProtoField I(string json) => new(json, ProtoKind.Int);
    private static ProtoField B(string json) => new(json, ProtoKind.Bool);
    private static ProtoField M(string json, string message) => new(json, ProtoKind.Message, message);
    private static ProtoField L(string json, string message) => new(json, ProtoKind.Messages, message);

    public static readonly Dictionary<string, Dictionary<int, ProtoField>> Messages = new()
    {
        ["ConfigMap"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = new("data", ProtoKind.StringMap), [3] = new("binaryData", ProtoKind.BytesMap), [4] = B("immutable") },
        ["Secret"] = new()
        {
            [1] = M("metadata", "ObjectMeta"), [2] = new("data", ProtoKind.BytesMap), [3] = S("type"), [4] = new("stringData", ProtoKind.StringMap), [5] = B("immutable"),
        },
        ["Namespace"] = new() { [1] = M("metadata", "ObjectMeta") }, // its spec and status are the server's
        ["ObjectMeta"] = new() { [1] = S("name"), [2] = S("generateName"), [3] = S("namespace"), [11] = new("labels", ProtoKind.StringMap), [12] = new("annotations", ProtoKind.StringMap) },
        ["LabelSelector"] = new() { [1] = new("matchLabels", ProtoKind.StringMap) },
        ["Deployment"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("spec", "DeploymentSpec") },
        ["DeploymentSpec"] = new() { [1] = new("replicas", ProtoKind.Int, KeepZero: true), [2] = M("selector", "LabelSelector"), [3] = M("template", "PodTemplateSpec") },
        ["PodTemplateSpec"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("spec", "PodSpec") },
        ["PodSpec"] = new() { [2] = L("containers", "Container"), [3] = S("restartPolicy") },
        ["Container"] = new()
        {
            [1] = S("name"), [2] = S("image"), [3] = new("command", ProtoKind.Strings), [4] = new("args", ProtoKind.Strings),
            [6] = L("ports", "ContainerPort"), [7] = L("env", "EnvVar"), [14] = S("imagePullPolicy"),
        },
        ["ContainerPort"] = new() { [1] = S("name"), [3] = I("containerPort"), [4] = S("protocol") },
        ["EnvVar"] = new() { [1] = S("name"), [2] = S("value") },
        ["Service"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("spec", "ServiceSpec") },
        ["ServiceSpec"] = new()
        {
            [1] = L("ports", "ServicePort"), [2] = new("selector", ProtoKind.StringMap), [3] = S("clusterIP"), [4] = S("type"), [10] = S("externalName"),
        },
        ["ServicePort"] = new() { [1] = S("name"), [2] = S("protocol"), [3] = I("port"), [4] = new("targetPort", ProtoKind.IntOrString), [5] = I("nodePort") },
        ["Ingress"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("spec", "IngressSpec") },
        ["IngressSpec"] = new() { [1] = M("defaultBackend", "IngressBackend"), [2] = L("tls", "IngressTLS"), [3] = L("rules", "IngressRule"), [4] = S("ingressClassName") },
        ["IngressTLS"] = new() { [1] = new("hosts", ProtoKind.Strings), [2] = S("secretName") },
        ["IngressRule"] = new() { [1] = S("host"), [2] = M("", "IngressRuleValue") },
        ["IngressRuleValue"] = new() { [1] = M("http", "HTTPIngressRuleValue") },
        ["HTTPIngressRuleValue"] = new() { [1] = L("paths", "HTTPIngressPath") },
        ["HTTPIngressPath"] = new() { [1] = S("path"), [2] = M("backend", "IngressBackend"), [3] = S("pathType") },
        ["IngressBackend"] = new() { [4] = M("service", "IngressServiceBackend") },
        ["IngressServiceBackend"] = new() { [1] = S("name"), [2] = M("port", "ServiceBackendPort") },
        ["ServiceBackendPort"] = new() { [1] = S("name"), [2] = I("number") },
    };

    /// <summary>The message read into JSON by its schema; empty strings, zero numbers Go writes for unset fields and empty messages are left out, as JSON leaves them.</summary>
    public static JsonObject Read(string message, ReadOnlySpan<byte> raw)
    {
        Dictionary<int, ProtoField> fields = Messages[message];
        var obj = new JsonObject();
        var r = new ProtoReader(raw);
        while (r.More)
        {
            (int number, int wire) = r.Tag();
            if (!fields.TryGetValue(number, out ProtoField? field))
            {
                r.Skip(wire);
                continue;
            }

            switch (field.Kind)
            {
                case ProtoKind.String when wire == ProtoReader.LengthDelimited:
                    if (r.ReadString() is { Length: > 0 } text)
                    {
                        obj[field.Json] = text;
                    }

                    break;
                case ProtoKind.Int when wire == ProtoReader.Varint:
                    long integer = (long)r.ReadVarint();
                    if (integer != 0 || field.KeepZero)
                    {
                        obj[field.Json] = integer;
                    }

                    break;
                case ProtoKind.Bool when wire == ProtoReader.Varint:
                    obj[field.Json] = r.ReadVarint() != 0;
                    break;
                case ProtoKind.Message when wire == ProtoReader.LengthDelimited:
                    JsonObject inner = Read(field.Message!, r.ReadBytes());
                    if (field.Json.Length == 0)
                    {
                        foreach ((string name, JsonNode? member) in inner.ToList())
                        {
                            inner.Remove(name);
                            obj[name] = member; // an inlined member (IngressRule's IngressRuleValue)
                        }
                    }
                    else if (inner.Count > 0)
                    {
                        obj[field.Json] = inner;
                    }

                    break;
                case ProtoKind.Messages when wire == ProtoReader.LengthDelimited:
                    List(obj, field.Json).Add(Read(field.Message!, r.ReadBytes()));
                    break;
                case ProtoKind.Strings when wire == ProtoReader.LengthDelimited:
                    List(obj, field.Json).Add(r.ReadString());
                    break;
                case ProtoKind.StringMap or ProtoKind.BytesMap when wire == ProtoReader.LengthDelimited:
                    (string key, string value) = MapEntry(r.ReadBytes(), base64: field.Kind == ProtoKind.BytesMap);
                    if (obj[field.Json] is not JsonObject map)
                    {
                        map = new JsonObject();
                        obj[field.Json] = map;
                    }

                    map[key] = value;
                    break;
                case ProtoKind.IntOrString when wire == ProtoReader.LengthDelimited:
                    obj[field.Json] = IntOrString(r.ReadBytes());
                    break;
                default:
                    r.Skip(wire);
                    break;
            }
        }

        return obj;
    }

    private static JsonArray List(JsonObject obj, string member)
    {
        if (obj[member] is not JsonArray list)
        {
            list = new JsonArray();
            obj[member] = list;
        }

        return list;
    }

    // A map entry: key 1, value 2; bytes values as JSON carries them, in base64.
    private static (string Key, string Value) MapEntry(ReadOnlySpan<byte> entry, bool base64)
    {
        string key = "", value = "";
        var r = new ProtoReader(entry);
        while (r.More)
        {
            (int number, int wire) = r.Tag();
            if (number == 1 && wire == ProtoReader.LengthDelimited)
            {
                key = r.ReadString();
            }
            else if (number == 2 && wire == ProtoReader.LengthDelimited)
            {
                ReadOnlySpan<byte> bytes = r.ReadBytes();
                value = base64 ? Convert.ToBase64String(bytes) : System.Text.Encoding.UTF8.GetString(bytes);
            }
            else
            {
                r.Skip(wire);
            }
        }

        return (key, value);
    }

    // IntOrString: type 1 (0 an int, 1 a string), intVal 2, strVal 3.
    private static JsonNode IntOrString(ReadOnlySpan<byte> raw)
    {
        long type = 0, intValue = 0;
        string text = "";
        var r = new ProtoReader(raw);
        while (r.More)
        {
            (int field, int wire) = r.Tag();
            switch (field)
            {
                case 1 when wire == ProtoReader.Varint: type = (long)r.ReadVarint(); break;
                case 2 when wire == ProtoReader.Varint: intValue = (long)r.ReadVarint(); break;
                case 3 when wire == ProtoReader.LengthDelimited: text = r.ReadString(); break;
                default: r.Skip(wire); break;
            }
        }

        return type == 1 ? JsonValue.Create(text) : JsonValue.Create(intValue);
    }
}
