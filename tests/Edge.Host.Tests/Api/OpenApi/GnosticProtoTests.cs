using System.Text;
using System.Text.Json.Nodes;
using Edge.Host.Api.OpenApi;

namespace Edge.Host.Tests.Api.OpenApi;

/// <summary>
/// The v2 document as the protobuf client-go decodes (gnostic's openapi_v2): golden bytes for a
/// small document, and the whole document read back field by field as kubectl 1.27 reads it.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class GnosticProtoTests
{
    [Fact]
    public void A_small_document_is_gnostics_bytes()
    {
        var swagger = JsonNode.Parse("""{"swagger": "2.0", "info": {"title": "T", "version": "v"}, "definitions": {"A": {"type": "string", "x-e": true}}}""")!.AsObject();

        byte[] bytes = GnosticProto.Document(swagger);

        // Document: swagger (1) "2.0"; info (2) {title (1) "T", version (2) "v"};
        // definitions (9) {additional_properties (1) NamedSchema {name (1) "A", value (2) Schema
        //   {type (22) TypeItem {value (1) "string"}, vendor_extension (31) NamedAny {name "x-e", value (2) Any {yaml (2) "true"}}}}}
        byte[] expected =
        [
            0x0a, 3, (byte)'2', (byte)'.', (byte)'0',
            0x12, 6, 0x0a, 1, (byte)'T', 0x12, 1, (byte)'v',
            0x4a, 34, 0x0a, 32, 0x0a, 1, (byte)'A', 0x12, 27,
            0xb2, 0x01, 8, 0x0a, 6, .. "string"u8.ToArray(),
            0xfa, 0x01, 13, 0x0a, 3, .. "x-e"u8.ToArray(), 0x12, 6, 0x12, 4, .. "true"u8.ToArray(),
        ];
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(bytes));
    }

    [Fact]
    public void The_whole_document_reads_back_with_every_definition_and_the_kinds_group_version_kind()
    {
        Dictionary<int, List<Field>> document = Read(OpenApiV2.Protobuf.Bytes);
        JsonObject definitions = OpenApiV2.Document()["definitions"]!.AsObject();

        Assert.Equal("2.0", document[1].Single().Text);
        List<Field> named = Read(document[9].Single().Bytes)[1];
        Assert.Equal(definitions.Select(d => d.Key), named.Select(n => Read(n.Bytes)[1].Single().Text));
        Field deployment = named.Single(n => Read(n.Bytes)[1].Single().Text == "io.k8s.api.apps.v1.Deployment");
        Dictionary<int, List<Field>> schema = Read(Read(deployment.Bytes)[2].Single().Bytes);
        Dictionary<int, List<Field>> extension = Read(schema[31].Single().Bytes);
        Assert.Equal("x-kubernetes-group-version-kind", extension[1].Single().Text);
        Assert.Equal("""[{"group":"apps","kind":"Deployment","version":"v1"}]""", Read(extension[2].Single().Bytes)[2].Single().Text);
        Assert.Equal(["apiVersion", "kind", "metadata", "spec", "status"], Read(schema[25].Single().Bytes)[1].Select(p => Read(p.Bytes)[1].Single().Text));
    }

    [Fact]
    public void A_PATCH_operation_lists_fieldValidation_as_a_query_parameter()
    {
        Dictionary<int, List<Field>> document = Read(OpenApiV2.Protobuf.Bytes);
        Field path = Read(document[8].Single().Bytes)[2].Single(p => Read(p.Bytes)[1].Single().Text == "/apis/apps/v1/namespaces/{namespace}/deployments/{name}");
        Dictionary<int, List<Field>> patch = Read(Read(Read(path.Bytes)[2].Single().Bytes)[8].Single().Bytes);

        // parameters (8) → ParametersItem.parameter (1) → Parameter.non_body_parameter (2) → query_parameter_sub_schema (3) → name (4)
        IEnumerable<string> queries = patch[8].Select(p => Read(p.Bytes)[1].Single()).Select(p => Read(p.Bytes))
            .Where(p => p.ContainsKey(2)).Select(p => Read(Read(p[2].Single().Bytes)[3].Single().Bytes)[4].Single().Text);
        Assert.Equal(["fieldManager", "fieldValidation", "force"], queries);
    }

    private sealed record Field(byte[] Bytes)
    {
        public string Text => Encoding.UTF8.GetString(Bytes);
    }

    /// <summary>A message's fields by number (varints as their bytes' value, length-delimited as their bytes).</summary>
    private static Dictionary<int, List<Field>> Read(byte[] message)
    {
        var fields = new Dictionary<int, List<Field>>();
        int i = 0;
        while (i < message.Length)
        {
            ulong key = Varint(message, ref i);
            int number = (int)(key >> 3);
            byte[] value;
            switch (key & 7)
            {
                case 0:
                    value = BitConverter.GetBytes(Varint(message, ref i));
                    break;
                case 2:
                    int length = (int)Varint(message, ref i);
                    value = message.AsSpan(i, length).ToArray();
                    i += length;
                    break;
                default:
                    throw new FormatException($"wire type {key & 7}");
            }

            (fields.TryGetValue(number, out List<Field>? list) ? list : fields[number] = []).Add(new Field(value));
        }

        return fields;
    }

    private static ulong Varint(byte[] bytes, ref int i)
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = bytes[i++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}
