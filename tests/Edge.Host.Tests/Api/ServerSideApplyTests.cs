using System.Text.Json.Nodes;
using Edge.Host.Api;
using Edge.Host.Api.Apply;
using Edge.Host.Objects;

namespace Edge.Host.Tests.Api;

/// <summary>
/// Server-side apply with field managers, as the Kubernetes documentation's "Server-Side Apply"
/// page describes it: managers own what they set, conflicts name the other manager and the field,
/// a forced apply takes them, an applier's dropped field goes unless someone else owns it, and a
/// write that is not an apply makes its manager the owner of what it changed.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class ServerSideApplyTests
{
    private static readonly KindInfo Deployments = KindInfo.ForKind("Deployment")!;
    private static readonly DateTime Now = new(2026, 12, 5, 12, 0, 0, DateTimeKind.Utc);

    private static KubeObject Deployment(int? replicas, string image, params string[] extraContainers)
    {
        var containers = new JsonArray(new JsonObject { ["name"] = "main", ["image"] = image });
        foreach (string name in extraContainers)
        {
            containers.Add(new JsonObject { ["name"] = name, ["image"] = "toolbox" });
        }

        var spec = new JsonObject
        {
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = "web" } },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = "web" } },
                ["spec"] = new JsonObject { ["containers"] = containers },
            },
        };
        if (replicas is int n)
        {
            spec["replicas"] = n;
        }

        return new KubeObject(new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = new JsonObject { ["name"] = "web", ["namespace"] = "default", ["labels"] = new JsonObject { ["app"] = "web" } },
            ["spec"] = spec,
        });
    }

    private static List<ManagedEntry> Managers(KubeObject obj) => ManagedFields.Read(obj);

    [Fact]
    public void The_applier_owns_what_it_sets_in_Kubernetes_FieldsV1_form()
    {
        KubeObject created = ServerSideApply.Apply(null, Deployment(3, "whoami"), Deployments, "kubectl", force: false, Now);

        ManagedEntry entry = Assert.Single(Managers(created));
        Assert.Equal(("kubectl", "Apply", "apps/v1"), (entry.Manager, entry.Operation, entry.ApiVersion));
        JsonObject fields = (JsonObject)created.Metadata["managedFields"]![0]!["fieldsV1"]!;
        Assert.NotNull(fields["f:spec"]!["f:replicas"]);
        Assert.NotNull(fields["f:metadata"]!["f:labels"]!["f:app"]);
        JsonObject main = (JsonObject)fields["f:spec"]!["f:template"]!["f:spec"]!["f:containers"]!["k:{\"name\":\"main\"}"]!;
        Assert.NotNull(main["."]);       // the item itself
        Assert.NotNull(main["f:image"]); // and its fields
        Assert.Equal(entry.Fields.Paths.Order(), ManagedFields.FromFieldsV1(fields).Paths.Order()); // the form reads back as it was written
    }

    [Fact]
    public void A_field_another_manager_set_to_another_value_is_a_conflict_naming_both_and_force_takes_it()
    {
        KubeObject applied = ServerSideApply.Apply(null, Deployment(3, "whoami"), Deployments, "kubectl", false, Now);
        KubeObject scaled = applied.Clone();
        scaled.Spec!["replicas"] = 5;
        ServerSideApply.RecordUpdate(applied, scaled, Deployments, "kubectl", Now, "scale"); // kubectl scale

        ApiException conflict = Assert.Throws<ApiException>(() => ServerSideApply.Apply(scaled, Deployment(3, "whoami"), Deployments, "kubectl", false, Now));
        Assert.Equal((409, "Conflict"), (conflict.Code, conflict.Reason));
        Assert.Equal("Apply failed with 1 conflict: conflict with \"kubectl\" with subresource \"scale\" using apps/v1: .spec.replicas", conflict.Message);
        JsonNode cause = conflict.Details!["causes"]![0]!;
        Assert.Equal(("FieldManagerConflict", ".spec.replicas"), ((string?)cause["type"], (string?)cause["field"]));

        // The same value is no conflict: both own it.
        KubeObject agreed = ServerSideApply.Apply(scaled, Deployment(5, "whoami"), Deployments, "kubectl", false, Now);
        Assert.Equal(5, (int)agreed.Spec!["replicas"]!);

        KubeObject forced = ServerSideApply.Apply(scaled, Deployment(3, "whoami"), Deployments, "kubectl", true, Now);
        Assert.Equal(3, (int)forced.Spec!["replicas"]!);
        Assert.DoesNotContain(Managers(forced), e => e.Subresource == "scale"); // the scaler owned nothing more
    }

    [Fact]
    public void A_field_the_applier_stops_setting_goes_unless_another_manager_owns_it()
    {
        KubeObject first = ServerSideApply.Apply(null, Deployment(3, "whoami", "sidecar"), Deployments, "kubectl", false, Now);
        KubeObject labelled = first.Clone();
        labelled.Metadata["labels"]!["tier"] = "front";
        ServerSideApply.RecordUpdate(first, labelled, Deployments, "kubectl-label", Now); // kubectl label

        KubeObject second = ServerSideApply.Apply(labelled, Deployment(null, "whoami"), Deployments, "kubectl", false, Now);

        Assert.Null(second.Spec!["replicas"]); // the applier's alone: gone
        Assert.Equal(["main"], second.Spec!["template"]!["spec"]!["containers"]!.AsArray().Select(c => (string)c!["name"]!));
        Assert.Equal("front", (string?)second.Metadata["labels"]!["tier"]); // another manager's: kept
    }

    [Fact]
    public void An_apply_that_changes_nothing_writes_the_same_object()
    {
        KubeObject first = ServerSideApply.Apply(null, Deployment(3, "whoami"), Deployments, "kubectl", false, Now);
        KubeObject again = ServerSideApply.Apply(first, Deployment(3, "whoami"), Deployments, "kubectl", false, Now.AddMinutes(5));
        Assert.True(JsonNode.DeepEquals(first.Json, again.Json)); // managedFields' time included: no write, "unchanged"
    }

    [Fact]
    public void An_update_takes_what_it_changed_from_the_applier()
    {
        KubeObject applied = ServerSideApply.Apply(null, Deployment(3, "whoami"), Deployments, "kubectl", false, Now);
        KubeObject edited = applied.Clone();
        edited.Spec!["template"]!["spec"]!["containers"]![0]!["image"] = "hello";
        ServerSideApply.RecordUpdate(applied, edited, Deployments, "kubectl-edit", Now);

        ManagedEntry editor = Managers(edited).Single(e => e.Manager == "kubectl-edit");
        Assert.Equal(["f:spec\nf:template\nf:spec\nf:containers\nk:{\"name\":\"main\"}\nf:image"], editor.Fields.Paths);
        Assert.DoesNotContain("f:spec\nf:template\nf:spec\nf:containers\nk:{\"name\":\"main\"}\nf:image", Managers(edited).Single(e => e.Manager == "kubectl").Fields.Paths);
        ApiException conflict = Assert.Throws<ApiException>(() => ServerSideApply.Apply(edited, Deployment(3, "whoami"), Deployments, "kubectl", false, Now));
        Assert.Equal("Apply failed with 1 conflict: conflict with \"kubectl-edit\" using apps/v1: .spec.template.spec.containers[name=\"main\"].image", conflict.Message);
    }
}
