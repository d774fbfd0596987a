using System.Text;
using System.Text.Json.Nodes;
using Edge.Host.Api.Protobuf;

namespace Edge.Host.Tests.Api.Protobuf;

/// <summary>
/// Kubernetes' protobuf envelope ("k8s\0", runtime.Unknown) as kubectl 1.32 and later send
/// `kubectl create configmap|secret|namespace`, with the field numbers of k8s.io/api's
/// generated.proto: read into the JSON form Edge keeps. (kubectl itself sends them in
/// KubectlEndToEndTests; these bytes are built here to the same rules.)
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class KubeProtobufTests
{
    // Protobuf's length-delimited field: the tag (number << 3 | 2), the length, the bytes.
    private static byte[] Field(int number, byte[] value) => [(byte)((number << 3) | 2), .. Varint(value.Length), .. value];

    private static byte[] Field(int number, string value) => Field(number, Encoding.UTF8.GetBytes(value));

    private static byte[] Varint(int value)
    {
        var bytes = new List<byte>();
        do
        {
            byte b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value > 0 ? (byte)(b | 0x80) : b);
        }
        while (value > 0);
        return [.. bytes];
    }

    private static byte[] Entry(int number, string key, byte[] value) => Field(number, [.. Field(1, key), .. Field(2, value)]);

    private static byte[] Envelope(string apiVersion, string kind, byte[] raw) =>
        [.. "k8s\0"u8.ToArray(), .. Field(1, [.. Field(1, apiVersion), .. Field(2, kind)]), .. Field(2, raw), .. Field(3, ""), .. Field(4, "")];

    // ObjectMeta as Go writes it: every string, the empty namespace too.
    private static byte[] Meta(string name) => [.. Field(1, name), .. Field(2, ""), .. Field(3, ""), .. Entry(11, "app", "web"u8.ToArray())];

    [Fact]
    public void A_ConfigMap_reads_as_its_JSON_with_the_empty_strings_Go_writes_left_out()
    {
        byte[] raw = [.. Field(1, Meta("settings")), .. Entry(2, "greeting", "hello"u8.ToArray()), .. Entry(3, "blob", [0, 1, 2]), 0x20, 0x01]; // immutable: true (field 4, varint)
        JsonObject obj = KubeProtobuf.Decode(Envelope("v1", "ConfigMap", raw))!;
        Assert.Equal(
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings","labels":{"app":"web"}},"data":{"greeting":"hello"},"binaryData":{"blob":"AAEC"},"immutable":true}""",
            obj.ToJsonString());
    }

    [Fact]
    public void A_Secrets_bytes_become_base64_as_in_JSON_and_a_Namespace_is_its_metadata()
    {
        byte[] secret = [.. Field(1, Meta("db")), .. Entry(2, "password", "hunter2"u8.ToArray()), .. Field(3, "")];
        Assert.Equal("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db","labels":{"app":"web"}},"data":{"password":"aHVudGVyMg=="}}""",
            KubeProtobuf.Decode(Envelope("v1", "Secret", secret))!.ToJsonString());

        byte[] ns = [.. Field(1, Meta("lab")), .. Field(2, []), .. Field(3, [])]; // spec and status: the server's
        Assert.Equal("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"lab","labels":{"app":"web"}}}""",
            KubeProtobuf.Decode(Envelope("v1", "Namespace", ns))!.ToJsonString());
    }

    [Fact]
    public void A_kind_not_read_here_is_null_for_the_caller_to_refuse_and_broken_bytes_are_a_format_error()
    {
        Assert.Null(KubeProtobuf.Decode(Envelope("batch/v1", "Job", Field(1, Meta("web")))));
        Assert.Throws<FormatException>(() => KubeProtobuf.Decode("{\"kind\": \"ConfigMap\"}"u8));
        byte[] cut = Envelope("v1", "ConfigMap", Field(1, Meta("settings")));
        Assert.Throws<FormatException>(() => KubeProtobuf.Decode(cut.AsSpan(0, cut.Length - 12)));
    }

    [Fact]
    public void A_Service_leaves_out_the_zeros_Go_writes_and_reads_targetPort_as_a_number_or_a_name()
    {
        byte[] IntOrString(int type, int number, string name) => [0x08, (byte)type, 0x10, .. Varint(number), .. Field(3, name)];
        byte[] port = [.. Field(1, "web"), .. Field(2, "TCP"), 0x18, 80, .. Field(4, IntOrString(0, 8080, "")), 0x28, 0]; // nodePort 0: unset
        byte[] named = [.. Field(2, "TCP"), 0x18, 81, .. Field(4, IntOrString(1, 0, "http"))];
        byte[] spec = [.. Field(1, port), .. Field(1, named), .. Entry(2, "app", "web"u8.ToArray()), .. Field(3, ""), .. Field(4, "ClusterIP")];
        JsonObject service = KubeProtobuf.Decode(Envelope("v1", "Service", [.. Field(1, Field(1, "web")), .. Field(2, spec)]))!;
        Assert.Equal(
            """{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},"spec":{"ports":[{"name":"web","protocol":"TCP","port":80,"targetPort":8080},{"protocol":"TCP","port":81,"targetPort":"http"}],"selector":{"app":"web"},"type":"ClusterIP"}}""",
            service.ToJsonString());
    }
}
