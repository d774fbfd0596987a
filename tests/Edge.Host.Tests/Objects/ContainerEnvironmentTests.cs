using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Tests.Objects;

/// <summary>A container's environment as the kubelet makes it: Services' variables, envFrom, env with $(VAR), and CreateContainerConfigError's messages.</summary>
[Trait("Category", Category.Unit)]
public sealed class ContainerEnvironmentTests
{
    private static KubeObject Parse(string json) => new((JsonObject)JsonNode.Parse(json)!);

    private static KubeObject Service(string ns, string name, string clusterIp, string ports, string type = "ClusterIP") => Parse($$$"""
        {"kind": "Service", "metadata": {"name": "{{{name}}}", "namespace": "{{{ns}}}"}, "spec": {"type": "{{{type}}}", "clusterIP": "{{{clusterIp}}}", "ports": {{{ports}}}}}
        """);

    private static readonly KubeObject Kubernetes = Service("default", "kubernetes", "10.96.0.1", """[{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]""");

    private static KubeObject Pod(string ns = "lab", string spec = """{"nodeName": "node-2", "containers": [{"name": "app", "image": "toolbox"}]}""") => Parse($$$"""
        {"kind": "Pod", "metadata": {"name": "client", "namespace": "{{{ns}}}", "uid": "5b7e8f2a-1111-2222-3333-444455556666", "labels": {"app": "client"}},
         "spec": {{{spec}}}, "status": {"podIP": "10.244.2.7", "hostIP": "127.0.10.2"}}
        """);

    private static ContainerEnvironment.Result Env(KubeObject pod, ContainerEnvironment.Sources sources) =>
        ContainerEnvironment.For(pod, (JsonObject)pod.Spec!["containers"]![0]!, sources);

    private static Dictionary<string, string> Variables(ContainerEnvironment.Result result)
    {
        Assert.Null(result.Error);
        return result.Variables.ToDictionary(v => v.Key, v => v.Value);
    }

    [Fact]
    public void Services_of_the_pods_namespace_and_the_kubernetes_service_give_the_kubelets_variables()
    {
        KubeObject web = Service("lab", "web-api", "10.96.12.5", """[{"name": "http", "port": 80, "protocol": "TCP"}, {"name": "dns-udp", "port": 53, "protocol": "UDP"}]""");
        KubeObject elsewhere = Service("other", "db", "10.96.9.9", """[{"port": 5432}]""");

        Dictionary<string, string> env = Variables(Env(Pod(), new([], [], [Kubernetes, web, elsewhere])));

        Assert.Equal(new Dictionary<string, string>
        {
            ["KUBERNETES_SERVICE_HOST"] = "10.96.0.1",
            ["KUBERNETES_SERVICE_PORT"] = "443",
            ["KUBERNETES_SERVICE_PORT_HTTPS"] = "443",
            ["KUBERNETES_PORT"] = "tcp://10.96.0.1:443",
            ["KUBERNETES_PORT_443_TCP"] = "tcp://10.96.0.1:443",
            ["KUBERNETES_PORT_443_TCP_PROTO"] = "tcp",
            ["KUBERNETES_PORT_443_TCP_PORT"] = "443",
            ["KUBERNETES_PORT_443_TCP_ADDR"] = "10.96.0.1",
            ["WEB_API_SERVICE_HOST"] = "10.96.12.5",
            ["WEB_API_SERVICE_PORT"] = "80",
            ["WEB_API_SERVICE_PORT_HTTP"] = "80",
            ["WEB_API_SERVICE_PORT_DNS_UDP"] = "53",
            ["WEB_API_PORT"] = "tcp://10.96.12.5:80",
            ["WEB_API_PORT_80_TCP"] = "tcp://10.96.12.5:80",
            ["WEB_API_PORT_80_TCP_PROTO"] = "tcp",
            ["WEB_API_PORT_80_TCP_PORT"] = "80",
            ["WEB_API_PORT_80_TCP_ADDR"] = "10.96.12.5",
            ["WEB_API_PORT_53_UDP"] = "udp://10.96.12.5:53",
            ["WEB_API_PORT_53_UDP_PROTO"] = "udp",
            ["WEB_API_PORT_53_UDP_PORT"] = "53",
            ["WEB_API_PORT_53_UDP_ADDR"] = "10.96.12.5",
        }, env);
    }

    [Fact]
    public void Headless_and_ExternalName_services_have_no_address_so_no_variables_and_enableServiceLinks_false_keeps_only_kubernetes()
    {
        KubeObject headless = Service("lab", "peers", "None", """[{"port": 7}]""");
        KubeObject external = Service("lab", "search", "", """[]""", type: "ExternalName");
        KubeObject web = Service("lab", "web", "10.96.12.5", """[{"port": 80}]""");

        Assert.Equal(["KUBERNETES", "WEB"], Variables(Env(Pod(), new([], [], [Kubernetes, headless, external, web]))).Keys.Where(k => k.EndsWith("_SERVICE_HOST")).Select(k => k[..^"_SERVICE_HOST".Length]).Order());
        KubeObject noLinks = Pod(spec: """{"enableServiceLinks": false, "containers": [{"name": "app", "image": "toolbox"}]}""");
        Assert.Equal(["KUBERNETES_SERVICE_HOST"], Variables(Env(noLinks, new([], [], [Kubernetes, web]))).Keys.Where(k => k.EndsWith("_SERVICE_HOST")));
    }

    [Fact]
    public void Env_follows_envFrom_and_the_services_and_expands_what_is_defined_before_it()
    {
        KubeObject settings = Parse("""{"kind": "ConfigMap", "metadata": {"name": "settings", "namespace": "lab"}, "data": {"GREETING": "hello", "bad key": "x", "PORT": "8080"}}""");
        KubeObject pod = Pod(spec: """
            {"containers": [{"name": "app", "image": "whoami",
              "envFrom": [{"configMapRef": {"name": "settings"}, "prefix": "APP_"}],
              "env": [{"name": "APP_PORT", "value": "9090"},
                      {"name": "URL", "value": "http://$(WEB_SERVICE_HOST):$(APP_PORT)/$(NOT_SET)"},
                      {"name": "LITERAL", "value": "$$(APP_PORT) costs $5"}]}]}
            """);

        Dictionary<string, string> env = Variables(Env(pod, new([settings], [], [Service("lab", "web", "10.96.12.5", """[{"port": 80}]""")])));

        Assert.Equal("hello", env["APP_GREETING"]);
        Assert.False(env.ContainsKey("APP_bad key")); // not a variable name: skipped
        Assert.Equal("9090", env["APP_PORT"]); // env replaces envFrom
        Assert.Equal("http://10.96.12.5:9090/$(NOT_SET)", env["URL"]);
        Assert.Equal("$(APP_PORT) costs $5", env["LITERAL"]);
    }

    [Fact]
    public void Fields_resources_and_keys_are_read_from_the_pod_and_its_namespaces_objects()
    {
        KubeObject settings = Parse("""{"kind": "ConfigMap", "metadata": {"name": "settings", "namespace": "lab"}, "data": {"greeting": "hi there"}}""");
        KubeObject secret = Parse("""{"kind": "Secret", "metadata": {"name": "db", "namespace": "lab"}, "data": {"password": "czNjcjN0"}}""");
        KubeObject pod = Pod(spec: """
            {"nodeName": "node-2", "containers": [{"name": "app", "image": "whoami", "resources": {"limits": {"memory": "2Ki", "cpu": "250m"}},
              "env": [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                      {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
                      {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                      {"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
                      {"name": "APP", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['app']"}}},
                      {"name": "MEMORY_KI", "valueFrom": {"resourceFieldRef": {"resource": "limits.memory", "divisor": "1Ki"}}},
                      {"name": "CPU", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu"}}},
                      {"name": "GREETING", "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "greeting"}}},
                      {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},
                      {"name": "MAYBE", "valueFrom": {"configMapKeyRef": {"name": "absent", "key": "x", "optional": true}}}]}]}
            """);

        Dictionary<string, string> env = Variables(Env(pod, new([settings], [secret], [])));

        Assert.Equal(("client", "lab", "10.244.2.7", "node-2", "client"), (env["POD_NAME"], env["POD_NAMESPACE"], env["POD_IP"], env["NODE"], env["APP"]));
        Assert.Equal(("2", "1"), (env["MEMORY_KI"], env["CPU"])); // rounded up to the divisor, as the downward API does
        Assert.Equal(("hi there", "s3cr3t"), (env["GREETING"], env["PASSWORD"]));
        Assert.False(env.ContainsKey("MAYBE"));
    }

    [Theory]
    [InlineData("""{"configMapKeyRef": {"name": "settings", "key": "greeting"}}""", "configmap \"settings\" not found")]
    [InlineData("""{"secretKeyRef": {"name": "db", "key": "password"}}""", "secret \"db\" not found")]
    [InlineData("""{"configMapKeyRef": {"name": "present", "key": "nope"}}""", "couldn't find key nope in ConfigMap lab/present")]
    public void What_is_missing_is_the_kubelets_CreateContainerConfigError_message(string valueFrom, string message)
    {
        KubeObject present = Parse("""{"kind": "ConfigMap", "metadata": {"name": "present", "namespace": "lab"}, "data": {"greeting": "hi"}}""");
        KubeObject pod = Pod(spec: $$$"""{"containers": [{"name": "app", "image": "whoami", "env": [{"name": "X", "valueFrom": {{{valueFrom}}}}]}]}""");

        Assert.Equal(message, Env(pod, new([present], [], [])).Error);
    }

    [Fact]
    public void A_ConfigMap_of_another_namespace_is_not_the_pods()
    {
        KubeObject elsewhere = Parse("""{"kind": "ConfigMap", "metadata": {"name": "settings", "namespace": "default"}, "data": {"A": "1"}}""");
        KubeObject pod = Pod(spec: """{"containers": [{"name": "app", "image": "whoami", "envFrom": [{"configMapRef": {"name": "settings"}}]}]}""");

        Assert.Equal("configmap \"settings\" not found", Env(pod, new([elsewhere], [], [])).Error);
    }

    [Fact]
    public void A_cpu_or_memory_limit_the_container_does_not_set_is_the_nodes_allocatable()
    {
        KubeObject node = Parse("""{"kind": "Node", "metadata": {"name": "node-2"}, "status": {"allocatable": {"cpu": "1", "memory": "8Ki"}}}""");
        KubeObject pod = Pod(spec: """
            {"containers": [{"name": "app", "image": "whoami",
              "env": [{"name": "MEMORY_KI", "valueFrom": {"resourceFieldRef": {"resource": "limits.memory", "divisor": "1Ki"}}},
                      {"name": "CPU_M", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu", "divisor": "1m"}}}]}]}
            """);

        Dictionary<string, string> env = Variables(Env(pod, new([], [], [], node)));

        Assert.Equal(("8", "1000"), (env["MEMORY_KI"], env["CPU_M"]));
    }
}
