using System.Text.Json.Nodes;
using Edge.Host.Objects;
using Edge.Host.Store;

namespace Edge.Host.Tests.Store;

[Trait("Category", Category.Unit)]
public sealed class ObjectStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-store-").FullName;

    private string DbPath => Path.Combine(_dir, "clusters", "lab.db");

    private static KubeObject Pod(string name, string image = "hello", string? ns = null) => new(new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = ns == null ? new JsonObject { ["name"] = name } : new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "c", ["image"] = image }) },
    });

    private static string Rv(KubeObject o) => (string)o.Metadata["resourceVersion"]!;

    [Fact]
    public void A_new_store_has_the_built_in_namespaces_and_objects_default_into_default()
    {
        using var store = ObjectStore.Open(DbPath);

        Assert.Equal(["default", "kube-system"], store.List("Namespace").Items.Select(n => n.Name));
        KubeObject pod = store.Create(Pod("a"));
        Assert.Equal("default", pod.Namespace);
        Assert.Equal(1L, (long)pod.Metadata["generation"]!);
        Assert.True(Guid.TryParse((string?)pod.Metadata["uid"], out _));
        Assert.Equal(store.ResourceVersion.ToString(), Rv(pod));
    }

    [Fact]
    public void Every_change_takes_the_next_resource_version_across_all_kinds()
    {
        using var store = ObjectStore.Open(DbPath);
        long start = store.ResourceVersion;

        KubeObject a = store.Create(Pod("a"));
        KubeObject b = store.Create(Pod("b"));
        store.Delete("Pod", "default", "a");

        Assert.Equal((start + 1).ToString(), Rv(a));
        Assert.Equal((start + 2).ToString(), Rv(b));
        Assert.Equal(start + 3, store.ResourceVersion);
        Assert.Equal(
            [(start + 1, WatchEventType.Added, "a"), (start + 2, WatchEventType.Added, "b"), (start + 3, WatchEventType.Deleted, "a")],
            store.EventsSince(start).Select(e => (e.ResourceVersion, e.Type, e.Object.Name)));
    }

    [Fact]
    public void Apply_reports_created_configured_unchanged_and_keeps_status()
    {
        using var store = ObjectStore.Open(DbPath);

        Assert.Equal(ApplyOutcome.Created, store.Apply(Pod("web")).Outcome);
        KubeObject running = store.Get("Pod", "default", "web")!;
        running.Json["status"] = new JsonObject { ["phase"] = "Running" };
        store.Update(running);

        var (same, unchangedObj) = store.Apply(Pod("web"));
        Assert.Equal(ApplyOutcome.Unchanged, same);
        Assert.Equal(Rv(store.Get("Pod", "default", "web")!), Rv(unchangedObj));

        var (outcome, updated) = store.Apply(Pod("web", "whoami"));
        Assert.Equal(ApplyOutcome.Configured, outcome);
        Assert.Equal("Running", (string?)updated.Json["status"]!["phase"]);
        Assert.Equal(2L, (long)updated.Metadata["generation"]!);
        Assert.Equal("whoami", (string?)store.Get("Pod", "default", "web")!.Spec!["containers"]![0]!["image"]);
    }

    [Fact]
    public void Reapplying_a_manifest_keeps_what_the_cluster_filled_in()
    {
        using var store = ObjectStore.Open(DbPath);
        KubeObject Service() => new((JsonObject)JsonNode.Parse("""
            {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
             "spec": {"type": "NodePort", "selector": {"app": "web"}, "ports": [{"port": 80}, {"port": 53, "protocol": "UDP"}]}}
            """)!);
        store.Apply(Service());
        KubeObject allocated = store.Get("Service", "default", "web")!;
        allocated.Spec!["clusterIP"] = "10.96.0.20";
        allocated.Spec["ports"]![0]!["nodePort"] = 30080;
        allocated.Spec["ports"]![1]!["nodePort"] = 30053;
        store.Update(allocated);
        store.Apply(Pod("client"));
        KubeObject bound = store.Get("Pod", "default", "client")!;
        bound.Spec!["nodeName"] = "node-2";
        store.Update(bound);

        Assert.Equal(ApplyOutcome.Unchanged, store.Apply(Service()).Outcome);
        Assert.Equal(ApplyOutcome.Unchanged, store.Apply(Pod("client")).Outcome);
        KubeObject service = store.Get("Service", "default", "web")!;
        Assert.Equal("10.96.0.20", (string?)service.Spec!["clusterIP"]);
        Assert.Equal([30080, 30053], service.Spec["ports"]!.AsArray().Select(p => (int)p!["nodePort"]!));
        Assert.Equal("node-2", (string?)store.Get("Pod", "default", "client")!.Spec!["nodeName"]);
    }

    [Fact]
    public void Reapplying_keeps_the_class_admission_gave_an_Ingress_and_the_revision_on_a_Deployment()
    {
        using var store = ObjectStore.Open(DbPath);
        KubeObject Ingress() => new((JsonObject)JsonNode.Parse("""
            {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "apps"},
             "spec": {"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}}}
            """)!);
        KubeObject Deployment() => new((JsonObject)JsonNode.Parse("""
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "annotations": {"team": "a"}},
             "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                      "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "c", "image": "whoami"}]}}}}
            """)!);
        store.Create(Edge.Host.Cluster.DefaultIngressClass.New());
        store.Apply(Ingress());
        Assert.Equal("edge", (string?)store.Get("Ingress", "default", "apps")!.Spec!["ingressClassName"]);
        store.Apply(Deployment());
        KubeObject revised = store.Get("Deployment", "default", "web")!;
        revised.Metadata["annotations"]!["deployment.kubernetes.io/revision"] = "3";
        store.Update(revised);

        Assert.Equal(ApplyOutcome.Unchanged, store.Apply(Ingress()).Outcome);
        Assert.Equal(ApplyOutcome.Unchanged, store.Apply(Deployment()).Outcome);
        Assert.Equal("edge", (string?)store.Get("Ingress", "default", "apps")!.Spec!["ingressClassName"]);
        Assert.Equal("3", (string?)store.Get("Deployment", "default", "web")!.Metadata["annotations"]!["deployment.kubernetes.io/revision"]);
    }

    [Fact]
    public void A_stale_update_is_a_conflict_and_changes_nothing()
    {
        using var store = ObjectStore.Open(DbPath);
        KubeObject first = store.Create(Pod("a"));
        KubeObject second = first.Clone();
        first.Json["status"] = new JsonObject { ["phase"] = "Pending" };
        store.Update(first);
        long version = store.ResourceVersion;

        second.Json["status"] = new JsonObject { ["phase"] = "Failed" };
        var e = Assert.Throws<StoreException>(() => store.Update(second));

        Assert.Equal(StoreError.Conflict, e.Error);
        Assert.Equal(409, e.HttpStatus);
        Assert.Contains("apply your changes to the latest version", e.Message);
        Assert.Equal(version, store.ResourceVersion);
        Assert.Equal("Pending", (string?)store.Get("Pod", "default", "a")!.Json["status"]!["phase"]);
    }

    [Fact]
    public void Errors_say_what_is_missing_and_what_to_do()
    {
        using var store = ObjectStore.Open(DbPath);
        store.Create(Pod("a"));

        Assert.Equal("pods \"a\" in namespace default already exists",
            Assert.Throws<StoreException>(() => store.Create(Pod("a"))).Message);
        Assert.Equal("pods \"b\" not found in namespace default", Assert.Throws<StoreException>(() => store.Delete("Pod", "default", "b")).Message);
        Assert.StartsWith("namespaces \"shop\" not found: create it first",
            Assert.Throws<StoreException>(() => store.Create(Pod("a", ns: "shop"))).Message);
        Assert.Equal(StoreError.Invalid, Assert.Throws<StoreException>(() => store.Delete("Namespace", "", "default")).Error);
    }

    [Fact]
    public void A_batch_lands_whole_or_not_at_all()
    {
        using var store = ObjectStore.Open(DbPath);
        long version = store.ResourceVersion;
        var seen = new List<WatchEvent>();
        store.Changed += seen.Add;

        Assert.Throws<StoreException>(() => store.Batch(w =>
        {
            w.Create(Pod("a"));
            w.Create(Pod("b"));
            w.Create(Pod("a")); // already exists: the whole batch rolls back
        }));

        Assert.Empty(store.List("Pod").Items);
        Assert.Equal(version, store.ResourceVersion);
        Assert.Empty(store.EventsSince(version));
        Assert.Empty(seen);

        store.Batch(w =>
        {
            w.Create(Pod("a"));
            w.Create(Pod("b"));
        });
        Assert.Equal([version + 1, version + 2], seen.Select(e => e.ResourceVersion));
    }

    [Fact]
    public void Deleting_a_namespace_deletes_what_is_in_it()
    {
        using var store = ObjectStore.Open(DbPath);
        store.Create(new KubeObject(new JsonObject { ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = "shop" } }));
        store.Create(Pod("a", ns: "shop"));
        store.Create(Pod("b", ns: "shop"));
        store.Create(Pod("c"));
        long version = store.ResourceVersion;

        store.Delete("Namespace", "", "shop");

        Assert.Equal(["c"], store.List("Pod", null).Items.Select(p => p.Name));
        Assert.Equal(["a", "b", "shop"], store.EventsSince(version).Select(e => e.Object.Name));
    }

    [Fact]
    public void State_and_the_event_log_survive_reopening()
    {
        long version;
        using (var store = ObjectStore.Open(DbPath))
        {
            store.Create(Pod("a"));
            store.Apply(Pod("a", "whoami"));
            version = store.ResourceVersion;
        }

        using var reopened = ObjectStore.Open(DbPath);
        Assert.Equal(version, reopened.ResourceVersion);
        Assert.Equal("whoami", (string?)reopened.Get("Pod", "default", "a")!.Spec!["containers"]![0]!["image"]);
        Assert.Equal(WatchEventType.Modified, reopened.EventsSince(version - 1).Single().Type);
        Assert.Equal((version + 1).ToString(), Rv(reopened.Create(Pod("b"))));
    }

    [Fact]
    public void A_watcher_too_far_behind_is_told_to_list_again()
    {
        using var store = ObjectStore.Open(DbPath, eventRetention: 3);
        long start = store.ResourceVersion;
        for (int i = 0; i < 5; i++)
        {
            store.Create(Pod("p" + i));
        }

        var e = Assert.Throws<StoreException>(() => store.EventsSince(start));
        Assert.Equal(410, e.HttpStatus);
        Assert.Contains("list again", e.Message);
        Assert.Equal(["p2", "p3", "p4"], store.EventsSince(start + 2).Select(x => x.Object.Name));
        Assert.Empty(store.EventsSince(store.ResourceVersion));
    }

    [Fact]
    public async Task WaitForChange_completes_when_a_later_change_commits()
    {
        using var store = ObjectStore.Open(DbPath);
        long version = store.ResourceVersion;
        Task wait = store.WaitForChangeAsync(version, CancellationToken.None);

        Assert.False(wait.IsCompleted);
        store.Create(Pod("a"));
        await wait.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(store.WaitForChangeAsync(version, CancellationToken.None).IsCompleted);
    }

    [Fact]
    public void A_file_from_a_newer_edgectl_is_refused_with_a_way_out()
    {
        using (var store = ObjectStore.Open(DbPath))
        {
        }

        using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "PRAGMA user_version = 99";
            cmd.ExecuteNonQuery();
        }

        var e = Assert.Throws<StoreException>(() => ObjectStore.Open(DbPath));
        Assert.Contains("newer edgectl", e.Message);
    }

    [Fact]
    public void Every_namespace_carries_its_name_as_the_kubernetes_io_metadata_name_label()
    {
        // As the API server does: on the built-in ones, on new ones, and over what a manifest says.
        using var store = ObjectStore.Open(DbPath);
        KubeObject Namespace(string labels) => new((JsonObject)JsonNode.Parse($$$"""{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop", "labels": {{{labels}}}}}""")!);

        Assert.All(store.List("Namespace").Items, ns => Assert.Equal(ns.Name, ns.Labels[ObjectStore.NamespaceNameLabel]));
        Assert.Equal("shop", store.Create(Namespace("""{"team": "a"}""")).Labels[ObjectStore.NamespaceNameLabel]);
        var (outcome, applied) = store.Apply(Namespace("""{"team": "b", "kubernetes.io/metadata.name": "other"}"""));
        Assert.Equal(ApplyOutcome.Configured, outcome);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "b", [ObjectStore.NamespaceNameLabel] = "shop" }, applied.Labels);
        Assert.Equal(ApplyOutcome.Unchanged, store.Apply(Namespace("""{"team": "b"}""")).Outcome);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
