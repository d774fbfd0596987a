using System.Text;
using System.Text.Json.Nodes;
using Edge.Host.Api;
using Edge.Host.Api.OpenApi;
using Edge.Host.Objects;

namespace Edge.Host.Tests.Api;

/// <summary>Unknown and duplicate fields found, taken out and worded as kube-apiserver words them.</summary>
[Trait("Category", Category.Unit)]
public sealed class FieldValidationTests
{
    private static readonly ApiType Pod = ApiTypes.Of(KindInfo.ForKind("Pod")!);

    private const string PodWithUnknowns = """
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "labels": {"any": "label"}, "colour": "red"},
         "spec": {"containers": [{"name": "main", "image": "whoami", "imagePullPolicyy": "Always",
                                  "ports": [{"containerPort": 80, "hostPortt": 8080}], "resources": {"limits": {"cpu": "100m"}}}],
                  "affinity": {"anything": {"goes": "here"}}, "foo": 1},
         "status": {"phase": "Running", "whatever": true}}
        """;

    [Fact]
    public void Unknown_fields_are_named_by_path_and_taken_out_while_known_and_kept_as_given_parts_stay()
    {
        var pod = (JsonObject)JsonNode.Parse(PodWithUnknowns)!;

        List<UnknownField> unknown = FieldValidation.RemoveUnknown(pod, Pod);

        Assert.Equal(["metadata.colour", "spec.containers[0].imagePullPolicyy", "spec.containers[0].ports[0].hostPortt", "spec.foo"], unknown.Select(u => u.Path));
        Assert.Null(pod["spec"]!["foo"]);
        Assert.Null(pod["spec"]!["containers"]![0]!["imagePullPolicyy"]);
        Assert.Equal("100m", (string?)pod["spec"]!["containers"]![0]!["resources"]!["limits"]!["cpu"]);
        Assert.Equal("here", (string?)pod["spec"]!["affinity"]!["anything"]!["goes"]);
        Assert.Equal(true, (bool?)pod["status"]!["whatever"]);
        Assert.Equal("label", (string?)pod["metadata"]!["labels"]!["any"]);
    }

    [Fact]
    public void Server_side_apply_names_list_items_by_their_keys_and_a_missing_protocol_as_TCP()
    {
        var pod = (JsonObject)JsonNode.Parse(PodWithUnknowns)!;

        List<UnknownField> unknown = FieldValidation.RemoveUnknown(pod, Pod);

        Assert.Equal(".spec.containers[name=\"main\"].imagePullPolicyy", unknown[1].ApplyPath);
        Assert.Equal(".spec.containers[name=\"main\"].ports[containerPort=80,protocol=\"TCP\"].hostPortt", unknown[2].ApplyPath);
        Assert.Equal(
            "failed to create typed patch object (default/web; /v1, Kind=Pod): .spec.containers[name=\"main\"].imagePullPolicyy: field not declared in schema",
            FieldValidation.TypedPatchMessage("v1", "Pod", "default", "web", [unknown[1]]));
        Assert.StartsWith(
            "failed to create typed patch object (default/web; apps/v1, Kind=Deployment): errors:\n  .metadata.colour: field not declared in schema\n  .spec",
            FieldValidation.TypedPatchMessage("apps/v1", "Deployment", "default", "web", unknown));
    }

    [Fact]
    public void Strict_decoding_errors_read_as_kube_apiservers()
    {
        List<string> problems = FieldValidation.Problems(["spec.replicas"], [new UnknownField("spec.foo", ".spec.foo")]);

        Assert.Equal(
            "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: duplicate field \"spec.replicas\", unknown field \"spec.foo\"",
            FieldValidation.StrictDecodingMessage("apps/v1", "Deployment", problems));
    }

    [Fact]
    public void A_warning_is_an_RFC_7234_Warning_header_with_the_text_quoted() =>
        Assert.Equal("299 - \"unknown field \\\"spec.foo\\\" (a \\\\ b)\"", FieldValidation.WarningHeader("unknown field \"spec.foo\" (a \\ b)"));

    [Fact]
    public void A_member_given_twice_keeps_its_last_value_and_is_reported_by_path()
    {
        var duplicates = new List<string>();

        JsonNode? node = StrictJson.Parse(Encoding.UTF8.GetBytes("""{"spec": {"replicas": 1, "replicas": 3, "template": {"spec": {"containers": [{"name": "a", "name": "b"}]}}}}"""), duplicates);

        Assert.Equal(3, (int?)node!["spec"]!["replicas"]);
        Assert.Equal("b", (string?)node["spec"]!["template"]!["spec"]!["containers"]![0]!["name"]);
        Assert.Equal(["spec.replicas", "spec.template.spec.containers[0].name"], duplicates);
    }

    [Theory]
    [InlineData(null, FieldValidationDirective.Warn)]
    [InlineData("", FieldValidationDirective.Warn)]
    [InlineData("Warn", FieldValidationDirective.Warn)]
    [InlineData("Strict", FieldValidationDirective.Strict)]
    [InlineData("Ignore", FieldValidationDirective.Ignore)]
    public void The_directive_is_Warn_unless_given(string? value, FieldValidationDirective expected) =>
        Assert.Equal(expected, FieldValidation.Directive(value));

    [Fact]
    public void Another_directive_is_refused_with_the_values_there_are()
    {
        FormatException e = Assert.Throws<FormatException>(() => FieldValidation.Directive("strict"));
        Assert.Equal("fieldValidation: Unsupported value: \"strict\": supported values: \"Ignore\", \"Warn\", \"Strict\"", e.Message);
    }

    [Fact]
    public void Every_example_manifest_has_only_fields_its_kind_has()
    {
        foreach (string file in Directory.GetFiles(RepoPaths.Of("examples"), "*.yaml", SearchOption.AllDirectories))
        {
            var documents = new List<Edge.Host.Manifests.ManifestDocument>();
            Edge.Host.Manifests.ManifestReader.Parse(file, File.ReadAllText(file), documents, []);
            foreach (Edge.Host.Manifests.ManifestDocument document in documents.Where(d => KindInfo.ForKind(d.Object.Kind) != null))
            {
                List<UnknownField> unknown = FieldValidation.RemoveUnknown(document.Object.Json, ApiTypes.Of(KindInfo.ForKind(document.Object.Kind)!));
                Assert.True(unknown.Count == 0, $"{file}: {string.Join(", ", unknown.Select(u => u.Path))}");
            }
        }
    }
}
