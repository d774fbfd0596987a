using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Edge.Host.Api;

namespace Edge.Host.Tests.Api;

/// <summary>The control plane's HTTP API, spoken as a client would: apply, list, get, delete, errors as Status.</summary>
[Trait("Category", Category.Unit)]
public sealed class ApiServerTests() : ApiTest("api")
{
    private static StringContent ApplyBody(string json) => new(json, Encoding.UTF8, ApiServer.ApplyContentType);

    private const string Web = """
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "labels": {"app": "web"}},
         "spec": {"containers": [{"name": "main", "image": "whoami"}]}}
        """;

    [Fact]
    public async Task Apply_is_a_PATCH_that_says_created_configured_or_unchanged()
    {
        HttpResponseMessage created = await Http.PatchAsync("/api/v1/namespaces/default/pods/web?fieldManager=test", ApplyBody(Web));
        HttpResponseMessage again = await Http.PatchAsync("/api/v1/namespaces/default/pods/web?fieldManager=test", ApplyBody(Web));
        HttpResponseMessage changed = await Http.PatchAsync("/api/v1/namespaces/default/pods/web?fieldManager=test", ApplyBody(Web.Replace("whoami", "hello")));

        Assert.Equal((HttpStatusCode.Created, "created"), (created.StatusCode, created.Headers.GetValues(ApiServer.OutcomeHeader).Single()));
        Assert.Equal((HttpStatusCode.OK, "unchanged"), (again.StatusCode, again.Headers.GetValues(ApiServer.OutcomeHeader).Single()));
        Assert.Equal("configured", changed.Headers.GetValues(ApiServer.OutcomeHeader).Single());
        Assert.Equal("hello", (string?)Store.Get("Pod", "default", "web")!.Spec!["containers"]![0]!["image"]);
    }

    [Fact]
    public async Task Lists_are_Kubernetes_lists_filtered_by_namespace_and_label_selector()
    {
        await Http.PatchAsync("/api/v1/namespaces/default/pods/web?fieldManager=test", ApplyBody(Web));
        await Http.PatchAsync("/api/v1/namespaces/kube-system/pods/dns?fieldManager=test", ApplyBody(Web.Replace("\"web\"", "\"dns\"")));

        JsonNode all = JsonNode.Parse(await Http.GetStringAsync("/api/v1/pods"))!;
        JsonNode inDefault = JsonNode.Parse(await Http.GetStringAsync("/api/v1/namespaces/default/pods"))!;
        JsonNode selected = JsonNode.Parse(await Http.GetStringAsync("/api/v1/pods?labelSelector=app%3Ddns"))!;

        Assert.Equal(("PodList", "v1"), ((string?)all["kind"], (string?)all["apiVersion"]));
        Assert.Equal(["dns", "web"], all["items"]!.AsArray().Select(i => (string)i!["metadata"]!["name"]!).Order());
        Assert.Equal(["web"], inDefault["items"]!.AsArray().Select(i => (string)i!["metadata"]!["name"]!));
        Assert.Equal(["dns"], selected["items"]!.AsArray().Select(i => (string)i!["metadata"]!["name"]!));
        Assert.NotNull(all["metadata"]!["resourceVersion"]);
        JsonNode namespaces = JsonNode.Parse(await Http.GetStringAsync("/api/v1/namespaces"))!;
        Assert.Contains("kube-system", namespaces["items"]!.AsArray().Select(i => (string)i!["metadata"]!["name"]!));
    }

    [Fact]
    public async Task A_write_Kubernetes_would_refuse_is_422_Invalid_in_kube_apiservers_words_whoever_sends_it()
    {
        // What kubectl sends skips edgectl's manifest checks: the API makes them itself.
        const string policy = """
            {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "ranged", "namespace": "default"},
             "spec": {"podSelector": {}, "ingress": [{"ports": [{"protocol": "TCP", "port": 80, "endPort": 70}]}]}}
            """;
        HttpResponseMessage created = await Http.PostAsync("/apis/networking.k8s.io/v1/namespaces/default/networkpolicies",
            new StringContent(policy, System.Text.Encoding.UTF8, "application/json"));
        JsonNode status = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.UnprocessableEntity, created.StatusCode);
        Assert.Equal("Invalid", (string?)status["reason"]);
        Assert.StartsWith("NetworkPolicy.networking.k8s.io \"ranged\" is invalid: spec.ingress[0].ports[0].endPort: Invalid value: 70", (string?)status["message"]);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/apis/networking.k8s.io/v1/namespaces/default/networkpolicies/ranged")).StatusCode);

        HttpResponseMessage applied = await Http.PatchAsync("/apis/networking.k8s.io/v1/namespaces/default/networkpolicies/ranged?fieldManager=test", ApplyBody(policy));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, applied.StatusCode);
    }

    [Fact]
    public async Task Errors_are_Status_objects_with_the_right_code_and_a_message_to_act_on()
    {
        HttpResponseMessage missing = await Http.GetAsync("/apis/apps/v1/namespaces/default/deployments/nope");
        JsonNode status = JsonNode.Parse(await missing.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(("Status", "Failure", 404), ((string?)status["kind"], (string?)status["status"], (int)status["code"]!));
        Assert.Equal("deployments \"nope\" not found in namespace default", (string?)status["message"]);

        HttpResponseMessage wrongKind = await Http.PatchAsync("/api/v1/namespaces/default/services/web?fieldManager=test", ApplyBody(Web));
        Assert.Equal(HttpStatusCode.BadRequest, wrongKind.StatusCode);
        Assert.Contains("the body is a Pod, the path is for services", await wrongKind.Content.ReadAsStringAsync());

        HttpResponseMessage notJson = await Http.PatchAsync("/api/v1/namespaces/default/pods/web?fieldManager=test", ApplyBody("{kind: Pod"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);

        HttpResponseMessage nowhere = await Http.GetAsync("/api/v1/widgets");
        Assert.Equal(HttpStatusCode.NotFound, nowhere.StatusCode);

        HttpResponseMessage notConnected = await Http.GetAsync("/api/v1/nodes/node-9/iptables");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notConnected.StatusCode);
        Assert.Contains("node node-9 is not connected", await notConnected.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_watch_streams_each_change_after_the_lists_version_filtered_by_namespace_and_labels()
    {
        JsonNode list = JsonNode.Parse(await Http.GetStringAsync("/api/v1/namespaces/default/pods"))!;
        string version = (string)list["metadata"]!["resourceVersion"]!;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using HttpResponseMessage response = await Http.GetAsync($"/api/v1/namespaces/default/pods?watch=true&resourceVersion={version}&labelSelector=app%3Dweb",
            HttpCompletionOption.ResponseHeadersRead, stop.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));

        await Http.PatchAsync("/api/v1/namespaces/kube-system/pods/web?fieldManager=test", ApplyBody(Web)); // another namespace
        await Http.PatchAsync("/api/v1/namespaces/default/pods/other?fieldManager=test", ApplyBody(Web.Replace("\"web\"", "\"other\"").Replace("\"app\": \"other\"", "\"app\": \"db\""))); // other labels
        await Http.PatchAsync("/api/v1/namespaces/default/pods/web?fieldManager=test", ApplyBody(Web));
        await Http.DeleteAsync("/api/v1/namespaces/default/pods/web");

        JsonNode added = JsonNode.Parse((await reader.ReadLineAsync(stop.Token))!)!;
        JsonNode deleted = JsonNode.Parse((await reader.ReadLineAsync(stop.Token))!)!;
        Assert.Equal(("ADDED", "web", "default"), ((string?)added["type"], (string?)added["object"]!["metadata"]!["name"], (string?)added["object"]!["metadata"]!["namespace"]));
        Assert.Equal(("DELETED", "web"), ((string?)deleted["type"], (string?)deleted["object"]!["metadata"]!["name"]));
    }

    [Fact]
    public async Task A_quiet_watch_that_asked_for_bookmarks_gets_one_with_the_version_it_has_seen_and_timeoutSeconds_ends_it()
    {
        Api.WatchBookmarkInterval = TimeSpan.FromMilliseconds(200);
        await Http.PatchAsync("/api/v1/namespaces/default/pods/web?fieldManager=test", ApplyBody(Web));
        string version = (string)JsonNode.Parse(await Http.GetStringAsync("/api/v1/namespaces/default/pods"))!["metadata"]!["resourceVersion"]!;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using HttpResponseMessage response = await Http.GetAsync(
            $"/api/v1/namespaces/default/pods?watch=true&resourceVersion={version}&allowWatchBookmarks=true&fieldSelector=metadata.name%3Dweb&timeoutSeconds=2",
            HttpCompletionOption.ResponseHeadersRead, stop.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));

        JsonNode bookmark = JsonNode.Parse((await reader.ReadLineAsync(stop.Token))!)!;
        Assert.Equal(("BOOKMARK", "Pod", "v1", version), ((string?)bookmark["type"], (string?)bookmark["object"]!["kind"], (string?)bookmark["object"]!["apiVersion"], (string?)bookmark["object"]!["metadata"]!["resourceVersion"]));

        await Http.PatchAsync("/api/v1/namespaces/default/pods/other?fieldManager=test", ApplyBody(Web.Replace("\"web\"", "\"other\""))); // not the field selector's
        await Http.DeleteAsync("/api/v1/namespaces/default/pods/web");
        string? line;
        while ((line = await reader.ReadLineAsync(stop.Token)) != null && (string?)JsonNode.Parse(line)!["type"] == "BOOKMARK")
        {
        }

        JsonNode deleted = JsonNode.Parse(line!)!;
        Assert.Equal(("DELETED", "web"), ((string?)deleted["type"], (string?)deleted["object"]!["metadata"]!["name"]));
        while ((line = await reader.ReadLineAsync(stop.Token)) != null)
        {
            Assert.Equal("BOOKMARK", (string?)JsonNode.Parse(line)!["type"]); // then only bookmarks, until timeoutSeconds ends the stream
        }
    }

    [Fact]
    public async Task The_status_subresource_takes_only_the_status_of_what_is_written()
    {
        await Http.PatchAsync("/api/v1/namespaces/default/pods/web?fieldManager=test", ApplyBody(Web));
        var patch = new StringContent("""{"status": {"phase": "Failed", "reason": "Evicted"}, "spec": {"nodeName": "elsewhere"}}""", Encoding.UTF8, ApiServer.MergePatchContentType);
        HttpResponseMessage patched = await Http.PatchAsync("/api/v1/namespaces/default/pods/web/status", patch);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        JsonNode pod = JsonNode.Parse(await Http.GetStringAsync("/api/v1/namespaces/default/pods/web/status"))!;
        Assert.Equal(("Failed", "Evicted"), ((string?)pod["status"]!["phase"], (string?)pod["status"]!["reason"]));
        Assert.Null(pod["spec"]!["nodeName"]); // the spec is not the status subresource's to change

        JsonNode discovered = JsonNode.Parse(await Http.GetStringAsync("/api/v1"))!;
        Assert.Contains(discovered["resources"]!.AsArray(), r => (string?)r!["name"] == "pods/status");
        Assert.Contains(discovered["resources"]!.AsArray(), r => (string?)r!["name"] == "nodes/status" && (bool?)r!["namespaced"] == false);
        var eviction = new StringContent("""{"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": "web", "namespace": "default"}}""", Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.Created, (await Http.PostAsync("/api/v1/namespaces/default/pods/web/eviction", eviction)).StatusCode);
        Assert.Null(Store.Get("Pod", "default", "web"));
    }

    private static string Deployment(string name) => """
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "NAME"},
         "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "NAME"}},
                  "template": {"metadata": {"labels": {"app": "NAME"}}, "spec": {"containers": [{"name": "main", "image": "whoami"}]}}}}
        """.Replace("NAME", name, StringComparison.Ordinal);

    /// <summary>The deployment, and two pods that name it their controller (as the deployment controller makes them; no controller runs here).</summary>
    private async Task DeploymentWithPods(string app)
    {
        JsonNode deployment = JsonNode.Parse(await (await Http.PatchAsync($"/apis/apps/v1/namespaces/default/deployments/{app}?fieldManager=test", ApplyBody(Deployment(app)))).Content.ReadAsStringAsync())!;
        string uid = (string)deployment["metadata"]!["uid"]!;
        for (int i = 1; i <= 2; i++)
        {
            string pod = $$"""
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "{{app}}-{{i}}", "labels": {"app": "{{app}}"},
                 "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "{{app}}", "uid": "{{uid}}", "controller": true}]},
                 "spec": {"containers": [{"name": "main", "image": "whoami"} ] } }
                """;
            Assert.Equal(HttpStatusCode.Created, (await Http.PatchAsync($"/api/v1/namespaces/default/pods/{app}-{i}?fieldManager=test", ApplyBody(pod))).StatusCode);
        }
    }

    [Fact]
    public async Task Delete_propagates_as_asked_orphan_leaves_the_pods_without_their_owner_foreground_takes_them_first()
    {
        await DeploymentWithPods("kept");
        var orphan = new HttpRequestMessage(HttpMethod.Delete, "/apis/apps/v1/namespaces/default/deployments/kept")
        {
            Content = new StringContent("""{"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Orphan"}""", Encoding.UTF8, "application/json"), // as kubectl delete --cascade=orphan sends it
        };
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(orphan)).StatusCode);
        JsonArray left = JsonNode.Parse(await Http.GetStringAsync("/api/v1/namespaces/default/pods?labelSelector=app%3Dkept"))!["items"]!.AsArray();
        Assert.Equal(2, left.Count);
        Assert.All(left, p => Assert.Null(p!["metadata"]!["ownerReferences"])); // nothing left for the garbage collector to follow

        await DeploymentWithPods("gone");
        Assert.Equal(HttpStatusCode.OK, (await Http.DeleteAsync("/apis/apps/v1/namespaces/default/deployments/gone?propagationPolicy=Foreground")).StatusCode);
        Assert.Empty(JsonNode.Parse(await Http.GetStringAsync("/api/v1/namespaces/default/pods?labelSelector=app%3Dgone"))!["items"]!.AsArray()); // gone with it, in the same write

        HttpResponseMessage wrong = await Http.DeleteAsync("/api/v1/namespaces/default/pods/nothing?propagationPolicy=Later");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
        Assert.StartsWith("propagationPolicy: Unsupported value: \"Later\"", (string?)JsonNode.Parse(await wrong.Content.ReadAsStringAsync())!["message"]);
    }

    [Fact]
    public async Task A_dry_run_answers_as_the_write_would_and_keeps_nothing()
    {
        HttpResponseMessage created = await Http.PatchAsync("/api/v1/namespaces/default/pods/web?fieldManager=test&dryRun=All", ApplyBody(Web));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("web", (string?)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["metadata"]!["name"]);
        Assert.Null(Store.Get("Pod", "default", "web"));

        await Http.PatchAsync("/api/v1/namespaces/default/pods/web?fieldManager=test", ApplyBody(Web));
        long version = Store.ResourceVersion;
        Assert.Equal(HttpStatusCode.OK, (await Http.DeleteAsync("/api/v1/namespaces/default/pods/web?dryRun=All")).StatusCode);
        Assert.NotNull(Store.Get("Pod", "default", "web"));
        Assert.Equal(version, Store.ResourceVersion); // nothing written, nothing for a watcher
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.DeleteAsync("/api/v1/namespaces/default/pods/web?dryRun=Later")).StatusCode);
    }

    [Fact]
    public async Task Delete_removes_the_object_and_returns_it()
    {
        await Http.PatchAsync("/api/v1/namespaces/default/pods/web?fieldManager=test", ApplyBody(Web));

        HttpResponseMessage deleted = await Http.DeleteAsync("/api/v1/namespaces/default/pods/web");
        HttpResponseMessage twice = await Http.DeleteAsync("/api/v1/namespaces/default/pods/web");

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Null(Store.Get("Pod", "default", "web"));
        Assert.Equal(HttpStatusCode.NotFound, twice.StatusCode);
    }

    [Fact]
    public async Task Beyond_loopback_the_API_needs_a_token_and_then_asks_for_it()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => ApiServer.StartAsync(ControlPlane, IPAddress.Any, 0, token: null));

        await using ApiServer guarded = await ApiServer.StartAsync(ControlPlane, IPAddress.Loopback, 0, token: "s3cret");
        using var client = new HttpClient { BaseAddress = guarded.Address };
        HttpResponseMessage without = await client.GetAsync("/api/v1/pods");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret");
        HttpResponseMessage with = await client.GetAsync("/api/v1/pods");

        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
    }
}
