using System.Text.RegularExpressions;

namespace Edge.Cli.Tests.Lab;

/// <summary>
/// The real kubectl against a lab's API, every version on this machine (`kubectl` and the
/// versioned `kubectl.1.27` … beside the file it resolves to): discovery (`api-resources`,
/// short names, `get all`) and server-side printing (kubectl's own columns for pods, nodes,
/// services and deployments, `-o wide`, `-A`, several kinds at once), jsonpath on the objects,
/// `apply` client-side and `--server-side` with kubectl's default validation (the server's, which
/// kubectl finds in the OpenAPI documents: a manifest with an unknown field is refused, and taken
/// without it under `--validate=false`), `apply` again with a change (a strategic merge patch),
/// `explain`, `get -w`, `logs`, `scale`, `run`, `create deployment`, `set image`, `patch`,
/// `exec` (WebSocket from 1.30, SPDY/3.1 before), `attach`, `port-forward` (SPDY, and SPDY in WebSocket from 1.31),
/// `rollout restart`, `rollout history`, `rollout undo` (a JSON patch), `get rs`, `cordon`,
/// `uncordon`, `drain` (field selector, eviction), server-side apply conflicts and `--force-conflicts`, `describe` (events by field selector), `delete`, `label`, `annotate`;
/// and edgectl's own `--no-headers`, `--show-labels`, `-L`, `-o jsonpath` and `-o custom-columns` beside them.
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class KubectlEndToEndTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("edge-kubectl-").FullName;

    /// <summary>A certificate and key as files, for `kubectl create secret tls` (made once).</summary>
    private (string Cert, string Key) TlsPair
    {
        get
        {
            string cert = Path.Combine(_home, "tls.crt");
            string key = Path.Combine(_home, "tls.key");
            if (!File.Exists(cert))
            {
                using var pki = new TestPki();
                (byte[] chain, byte[] pem) = pki.Leaf("made.lab", "made.lab");
                File.WriteAllBytes(cert, chain);
                File.WriteAllBytes(key, pem);
            }

            return (cert, key);
        }
    }
    private readonly EdgectlProcess _edgectl;

    public KubectlEndToEndTests()
    {
        _edgectl = new EdgectlProcess(_home, "kubectl");
    }

    public void Dispose()
    {
        _edgectl.Run("lab", "down", "--purge");
        Directory.Delete(_home, recursive: true);
    }

    /// <summary>kubectl and its versioned siblings, as found on this machine.</summary>
    private static List<string> Kubectls()
    {
        string kubectl = Tools.Find("kubectl") ?? throw new InvalidOperationException("kubectl is not installed");
        string resolved = new FileInfo(kubectl).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? kubectl;
        return Directory.GetFiles(Path.GetDirectoryName(resolved)!, "kubectl.1.*").Order(StringComparer.Ordinal).Prepend(kubectl).ToList();
    }

    [RequiresToolFact("kubectl", "curl")]
    public void Every_kubectl_version_here_discovers_Edges_kinds_and_prints_them_with_its_own_columns()
    {
        CliRun up = _edgectl.Run("lab", "up", "--nodes", "3", "--first-address", "127.0.10.191");
        Assert.True(up.ExitCode == 0, up.Out + up.Err);
        Assert.Equal(0, _edgectl.Run("apply", "-f", "examples/web.yaml", "-f", "examples/client.yaml").ExitCode);
        string server = Regex.Match(_edgectl.Run("lab", "status").Out, @"http://127\.0\.0\.1:\d+").Value;
        Assert.NotEmpty(server);
        string clientIp = "";
        WaitFor(() => (clientIp = (string?)System.Text.Json.Nodes.JsonNode.Parse(_edgectl.Run("get", "pod", "client", "-o", "json").Out)?["status"]?["podIP"] ?? "").StartsWith("10.244.", StringComparison.Ordinal),
            "the client pod's address");

        // edgectl keeps the same habits: --no-headers, -o jsonpath.
        Assert.Equal(clientIp, _edgectl.Run("get", "pod", "client", "-o", "jsonpath={.status.podIP}").Out);
        Assert.Equal("web\nweb\nweb\n", _edgectl.Run("get", "po", "-l", "app=web", "-o", "jsonpath={range .items[*]}{.metadata.labels.app}{\"\\n\"}{end}").Out);
        string labelled = _edgectl.Run("get", "po", "-l", "app=web", "-L", "app", "--show-labels").Out;
        Assert.Matches(@"^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+APP\s+LABELS\n", labelled);
        Assert.Matches(@"(?m)^web-\S+\s+\d/1\s+\S+\s+0\s+\S+\s+web\s+app=web,pod-template-hash=\S+$", labelled);
        string noHeaders = _edgectl.Run("get", "pods", "--no-headers").Out;
        Assert.Matches(@"^client\s+1/1\s+Running", noHeaders);
        Assert.DoesNotContain("NAME", noHeaders);
        // -o custom-columns prints what kubectl prints for the same spec, byte for byte.
        const string spec = "custom-columns=NAME:.metadata.name,APP:.metadata.labels.app,IP:status.podIP,PORTS:{.spec.containers[*].ports[*].containerPort}";
        CliRun custom = _edgectl.Run("get", "pods", "-o", spec);
        Assert.True(custom.ExitCode == 0, custom.Err);
        Assert.Matches($@"(?m)^client\s+<none>\s+{Regex.Escape(clientIp)}\s+<none>$", custom.Out);
        (int customCode, string kubectlCustom, string customError) = Tools.Run("kubectl", ["--kubeconfig", _edgectl.KubeconfigPath, "get", "pods", "-o", spec], TimeSpan.FromSeconds(60));
        Assert.True(customCode == 0, customError);
        Assert.Equal(kubectlCustom, custom.Out);
        CliRun badPath = _edgectl.Run("get", "pods", "-o", "jsonpath={.items[*]");
        Assert.Equal(1, badPath.ExitCode);
        Assert.StartsWith("error: error parsing jsonpath {.items[*]: jsonpath: unclosed {", badPath.Err);

        // A Secret is described by its keys and sizes, never its values.
        const string secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  password: aHVudGVyMg==\n";
        Assert.Equal(0, _edgectl.RunWithInput(secret, "apply", "-f", "-").ExitCode);
        string described = _edgectl.Run("describe", "secret", "db").Out;
        Assert.Matches(@"(?m)^Type:\s+Opaque$", described);
        Assert.Matches(@"(?m)^password:\s+7 bytes$", described);
        Assert.DoesNotContain("hunter2", described);
        Assert.DoesNotContain("aHVudGVyMg", described);

        // lab up writes a kubeconfig for the lab: kubectl needs nothing else.
        string kubeconfig = Regex.Match(up.Out, @"the lab's own kubeconfig: (\S+)").Groups[1].Value;
        Assert.True(File.Exists(kubeconfig), up.Out);
        Assert.Equal(File.ReadAllText(kubeconfig), _edgectl.Run("kubeconfig").Out);
        (int code, string nodes, string error) = Tools.Run("kubectl", ["--kubeconfig", kubeconfig, "get", "nodes"], TimeSpan.FromSeconds(60));
        Assert.True(code == 0, error);
        Assert.Matches(@"(?m)^node-2\s+Ready\s", nodes);

        // ... and merges its context into kubectl's own kubeconfig (here $KUBECONFIG), made current, as kind does.
        Assert.Contains($"kubectl's context is now edge-kubectl ({_edgectl.KubeconfigPath})", up.Out);
        (int mergedCode, string merged, string mergedError) = Tools.Run("kubectl", ["--kubeconfig", _edgectl.KubeconfigPath, "get", "nodes"], TimeSpan.FromSeconds(60));
        Assert.True(mergedCode == 0, mergedError);
        Assert.Matches(@"(?m)^node-2\s+Ready\s", merged);

        // kubectl get -w: the changes come as Table rows under kubectl's own header.
        using (RunningTool watch = Tools.Start("kubectl", ["--kubeconfig", kubeconfig, "get", "pods", "-w"]))
        {
            const string probe = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: probe\nspec:\n  containers:\n  - name: toolbox\n    image: toolbox\n";
            Assert.Equal(0, _edgectl.RunWithInput(probe, "apply", "-f", "-").ExitCode);
            WaitFor(() => _edgectl.Run("get", "pod", "probe", "-o", "jsonpath={.status.phase}").Out == "Running", "the probe pod Running");
            watch.Process.Kill(entireProcessTree: true); // a watch runs until stopped; what it printed stays
            watch.Process.WaitForExit();
            Assert.Matches(@"^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n", watch.StdOut);
            Assert.Matches(@"(?m)^probe\s+1/1\s+Running\s+0\s+\S+$", watch.StdOut);
        }

        // edgectl exec -c: the pod's container by name, as kubectl's; another is refused in kube-apiserver's words.
        Assert.Contains("Hostname: web-", _edgectl.Run("exec", "client", "-c", "toolbox", "--", "wget", "-qO-", "http://web").Out);
        CliRun noSuchContainer = _edgectl.Run("exec", "client", "-c", "sidecar", "--", "wget", "-qO-", "http://web");
        Assert.Equal((1, "error: container sidecar is not valid for pod client\n"), (noSuchContainer.ExitCode, noSuchContainer.Err));

        // kubectl logs: the whoami pods' access log, as edgectl logs shows it; --tail as kubectl means it.
        _edgectl.Run("exec", "client", "--", "wget", "-qO-", "http://web");
        _edgectl.Run("exec", "client", "--", "wget", "-qO-", "http://web");
        string[] webPods = _edgectl.Run("get", "po", "-l", "app=web", "-o", "jsonpath={.items[*].metadata.name}").Out.Split(' ');
        string served = webPods.First(p => _edgectl.Run("logs", p).Out.Contains("GET / HTTP/1.1", StringComparison.Ordinal));
        (int logsCode, string logs, string logsError) = Tools.Run("kubectl", ["--kubeconfig", kubeconfig, "logs", served], TimeSpan.FromSeconds(60));
        Assert.True(logsCode == 0, logsError);
        Assert.Equal(_edgectl.Run("logs", served).Out, logs);
        (_, string last, _) = Tools.Run("kubectl", ["--kubeconfig", kubeconfig, "logs", served, "--tail", "1"], TimeSpan.FromSeconds(60));
        Assert.Matches(@"^10\.244\.\d+\.\d+:\d+ ""GET / HTTP/1\.1"" 200\n$", last);

        // logs -f, from kubectl and from edgectl: what the pod writes after they started follows.
        string servedIp = _edgectl.Run("get", "pod", served, "-o", "jsonpath={.status.podIP}").Out;
        using (RunningTool kubectlFollowing = Tools.Start("kubectl", ["--kubeconfig", kubeconfig, "logs", "-f", served]))
        using (RunningTool edgectlFollowing = _edgectl.Start("logs", "-f", served))
        {
            WaitFor(() => kubectlFollowing.StdOutSoFar.Contains("\"GET / HTTP/1.1\"", StringComparison.Ordinal)
                && edgectlFollowing.StdOutSoFar.Contains("\"GET / HTTP/1.1\"", StringComparison.Ordinal), "logs -f printing the log so far");
            Assert.Equal(0, _edgectl.Run("exec", "client", "--", "wget", "-qO-", $"http://{servedIp}/followed").ExitCode);
            WaitFor(() => kubectlFollowing.StdOutSoFar.Contains("\"GET /followed HTTP/1.1\" 200", StringComparison.Ordinal), "kubectl logs -f printing the new line");
            WaitFor(() => edgectlFollowing.StdOutSoFar.Contains("\"GET /followed HTTP/1.1\" 200", StringComparison.Ordinal), "edgectl logs -f printing the new line");
            Assert.False(kubectlFollowing.HasExited || edgectlFollowing.HasExited, "following goes on until stopped");
            Assert.Single(Regex.Matches(kubectlFollowing.StdOutSoFar, "GET /followed ")); // printed once, not again at every look
        }

        // kubectl attach: the pod's output from the moment it attached (asked again until attach has begun listening).
        using (RunningTool attached = Tools.Start("kubectl", ["--kubeconfig", kubeconfig, "attach", served]))
        {
            WaitFor(() =>
            {
                _edgectl.Run("exec", "client", "--", "wget", "-qO-", $"http://{servedIp}/attached");
                return attached.StdOutSoFar.Contains("\"GET /attached HTTP/1.1\" 200", StringComparison.Ordinal);
            }, "kubectl attach printing what the pod writes");
            Assert.DoesNotContain("GET /followed", attached.StdOutSoFar); // written before it attached
            Assert.False(attached.HasExited, "kubectl attach ended by itself");
        }

        // logs -l: every matching pod's log.
        CliRun selected = _edgectl.Run("logs", "-l", "app=web");
        Assert.True(selected.ExitCode == 0, selected.Err);
        Assert.Contains("\"GET /followed HTTP/1.1\" 200", selected.Out);

        List<string> kubectls = Kubectls();
        Assert.True(kubectls.Count >= 2 || !Tools.InCi, "only one kubectl found: " + string.Join(", ", kubectls));
        foreach (string kubectl in kubectls)
        {
            string Run(params string[] args)
            {
                (int code, string stdout, string stderr) = Tools.Run(kubectl, ["--server", server, .. args], TimeSpan.FromSeconds(60));
                Assert.True(code == 0, $"{Path.GetFileName(kubectl)} {string.Join(' ', args)}: {stderr}");
                return stdout;
            }

            string resources = Run("api-resources");
            Assert.Matches(@"(?m)^pods\s+po\s+v1\s+true\s+Pod$", resources);
            Assert.Matches(@"(?m)^deployments\s+deploy\s+apps/v1\s+true\s+Deployment$", resources);
            Assert.Matches(@"(?m)^networkpolicies\s+netpol\s+networking\.k8s\.io/v1\s+true\s+NetworkPolicy$", resources);

            string pods = Run("get", "po", "-o", "wide");
            Assert.Matches(@"^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\n", pods);
            Assert.Matches($@"(?m)^client\s+1/1\s+Running\s+0\s+\S+\s+{Regex.Escape(clientIp)}\s+node-\d$", pods);
            Assert.Matches(@"(?m)^node-1\s+Ready\s+<none>\s+\S+\s+edge-", Run("get", "nodes"));
            string several = Run("get", "svc,deploy", "-A");
            Assert.Matches(@"(?m)^default\s+service/web\s+ClusterIP\s+10\.96\.\d+\.\d+\s+<none>\s+80/TCP\s+\S+$", several);
            Assert.Matches(@"(?m)^default\s+deployment\.apps/web\s+\d/3\s+", several);
            Assert.Contains("pod/client", Run("get", "all"));
            Assert.Matches(@"(?m)^endpointslices\s+discovery\.k8s\.io/v1\s+true\s+EndpointSlice$", resources);
            Assert.Matches(@"(?m)^ingressclasses\s+networking\.k8s\.io/v1\s+false\s+IngressClass$", resources);
            Assert.Matches(@"^NAME\s+CONTROLLER\s+PARAMETERS\s+AGE\nedge\s+edge\.dev/ingress-controller\s+<none>\s+\S+\n$", Run("get", "ingressclass"));
            Assert.Matches(@"(?m)^web-[0-9a-f]{5}\s+IPv4\s+80\s+10\.244\.\d+\.\d+,10\.244\.\d+\.\d+,10\.244\.\d+\.\d+\s+\S+$",
                Run("get", "endpointslices", "-l", "kubernetes.io/service-name=web"));
            Assert.Equal(clientIp, Run("get", "pod", "client", "-o", "jsonpath={.status.podIP}"));

            // Server-side apply as kubectl sends it (YAML), validated by default: kubectl finds in the
            // OpenAPI documents that the server validates fields (1.27 and 1.28 read v2 first, as protobuf).
            Assert.Equal("service/web-nodeport serverside-applied\n", Run("apply", "--server-side", "-f", RepoPaths.Of("examples", "nodeport.yaml")));
            Assert.Matches(@"(?m)^web-nodeport\s+NodePort\s+\S+\s+<none>\s+80:30080/TCP", Run("get", "svc", "web-nodeport"));

            // Client-side apply (a create here), validated by default; an unknown field is refused with
            // kube-apiserver's words, and dropped under --validate=false.
            string version = Regex.Match(Path.GetFileName(kubectl), @"1\.\d+$").Value.Replace('.', '-');
            string name = "validated-" + (version.Length > 0 ? version : "default");
            string good = Path.Combine(_home, name + ".yaml");
            File.WriteAllText(good, $"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n");
            Assert.Equal($"service/{name} created\n", Run("apply", "-f", good));
            string bad = Path.Combine(_home, name + "-bad.yaml");
            File.WriteAllText(bad, File.ReadAllText(good).Replace(name, name + "-bad").Replace("  - port: 80\n", "  - port: 80\n    targetPortt: 8080\n"));
            (int refusedCode, _, string refused) = Tools.Run(kubectl, ["--server", server, "apply", "-f", bad], TimeSpan.FromSeconds(60));
            Assert.Equal(1, refusedCode);
            Assert.Equal($"Error from server (BadRequest): error when creating \"{bad}\": Service in version \"v1\" cannot be handled as a Service: strict decoding error: unknown field \"spec.ports[0].targetPortt\"\n", refused);
            Assert.Equal($"service/{name}-bad created\n", Run("apply", "--validate=false", "-f", bad));
            Assert.Equal("80", Run("get", "svc", name + "-bad", "-o", "jsonpath={.spec.ports[0].port}{.spec.ports[0].targetPortt}"));

            // Applied again with a change, kubectl sends a strategic merge patch (three-way, from
            // the last-applied annotation): the port merged by its number; once more, nothing to send.
            File.WriteAllText(good, File.ReadAllText(good).Replace("  - port: 80\n", "  - port: 80\n    targetPort: 8080\n"));
            Assert.Equal($"service/{name} configured\n", Run("apply", "-f", good));
            Assert.Equal("80 8080", Run("get", "svc", name, "-o", "jsonpath={.spec.ports[0].port} {.spec.ports[0].targetPort}"));
            Assert.Equal($"service/{name} unchanged\n", Run("apply", "-f", good));

            // kubectl exec: over WebSocket (v5.channel.k8s.io) from kubectl 1.30 on, over SPDY/3.1
            // (v4.channel.k8s.io) before; either way the exit code comes through, and stdin (-i)
            // reaches the tool whole.
            int minor = int.Parse(Regex.Match(Run("version", "--client", "-o", "json"), "\"minor\":\\s*\"(\\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            (int execCode, string execOut, string execErr) = Tools.Run(kubectl, ["--server", server, "exec", "client", "--", "wget", "-qO-", "http://web"], TimeSpan.FromSeconds(60));
            Assert.True(execCode == 0, execErr);
            Assert.Contains("Hostname: web-", execOut);
            (int failedCode, _, string failedErr) = Tools.Run(kubectl, ["--server", server, "exec", "client", "-c", "toolbox", "--", "curl", "-s", "ftp://web"], TimeSpan.FromSeconds(60));
            Assert.Equal(3, failedCode);
            Assert.EndsWith("curl: (3) URL rejected: Bad hostname\ncommand terminated with exit code 3\n", failedErr); // the tool's stderr, then kubectl's line
            (int ncCode, string ncOut, string ncErr) = Tools.Run(kubectl, ["--server", server, "exec", "-i", "client", "--", "nc", "web", "80"], TimeSpan.FromSeconds(60),
                stdin: "GET /hello HTTP/1.0\r\nHost: web\r\n\r\n");
            Assert.True(ncCode == 0, ncErr);
            Assert.Contains("GET /hello HTTP/1.0", ncOut);
            (int wrongCode, _, string wrongErr) = Tools.Run(kubectl, ["--server", server, "exec", "client", "-c", "sidecar", "--", "env"], TimeSpan.FromSeconds(60));
            Assert.Equal(1, wrongCode);
            Assert.Contains("container sidecar is not valid for pod client", wrongErr);
            if (minor < 30)
            {
                // attach over SPDY too: the pod's output from the moment it attached.
                using RunningTool attachedOverSpdy = Tools.Start(kubectl, ["--server", server, "attach", served]);
                string mark = $"/attached-{minor}";
                WaitFor(() =>
                {
                    _edgectl.Run("exec", "client", "--", "wget", "-qO-", $"http://{servedIp}{mark}");
                    return attachedOverSpdy.StdOutSoFar.Contains($"\"GET {mark} HTTP/1.1\" 200", StringComparison.Ordinal);
                }, $"{Path.GetFileName(kubectl)} attach printing what the pod writes");
                Assert.False(attachedOverSpdy.HasExited, "kubectl attach ended by itself");
            }

            // kubectl port-forward: SPDY/3.1 up to 1.30, SPDY tunnelled in WebSocket from 1.31; a
            // service's port becomes its pod's, and the board connects inside the pod.
            using (RunningTool forward = Tools.Start(kubectl, ["--server", server, "port-forward", "svc/web", ":80"]))
            {
                int local = 0;
                WaitFor(() => int.TryParse(Regex.Match(forward.StdOutSoFar, @"Forwarding from 127\.0\.0\.1:(\d+) -> 80").Groups[1].Value, out local) || forward.HasExited,
                    $"{Path.GetFileName(kubectl)} port-forward listening");
                Assert.False(forward.HasExited, forward.HasExited ? forward.StdErr : "");
                (int curlCode, string forwarded, string curlErr) = Tools.Run("curl", ["-s", "-m", "10", $"http://127.0.0.1:{local}/through-{minor}"], TimeSpan.FromSeconds(20));
                Assert.True(curlCode == 0, $"{Path.GetFileName(kubectl)} port-forward: curl {curlCode} {curlErr}");
                Assert.Contains($"GET /through-{minor} HTTP/1.1", forwarded);
                Assert.Contains("Hostname: web-", forwarded);
            }

            // kubectl describe finds the pod's own events by a field selector (involvedObject kind, namespace, name, uid).
            string describedPod = Run("describe", "pod", "client");
            Assert.Matches(@"(?m)^Events:", describedPod);
            Assert.Contains("Successfully assigned default/client to node-", describedPod);
            Assert.DoesNotContain("default/web-", describedPod);

            // The everyday verbs with this version too: -o json|yaml, custom-columns without headers,
            // logs, create and delete, scale and rollout status, cordon and uncordon, get -w.
            int n = kubectls.IndexOf(kubectl); // kubectl and kubectl.1.31 are one version: names of their own
            Assert.Equal(clientIp, (string?)System.Text.Json.Nodes.JsonNode.Parse(Run("get", "pod", "client", "-o", "json"))!["status"]!["podIP"]);
            Assert.Matches(@"(?m)^  name: client$", Run("get", "pod", "client", "-o", "yaml"));
            Assert.Equal($"client   {clientIp}\n", Run("get", "pod", "client", "--no-headers", "-o", "custom-columns=NAME:.metadata.name,IP:.status.podIP"));
            Assert.Matches(@"^\S+:\d+ ""GET /\S* HTTP/1\.\d"" \d{3}\n$", Run("logs", served, "--tail=1")); // whoami's access log, its last line
            (int cmCode, string cmCreated, string cmError) = Tools.Run(kubectl, ["--server", server, "apply", "-f", "-"], TimeSpan.FromSeconds(60),
                stdin: $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{n}\ndata:\n  lesson: verbs\n");
            Assert.True(cmCode == 0, cmError);
            Assert.Equal($"configmap/cm-{n} created\n", cmCreated);
            Assert.Equal($"configmap \"cm-{n}\" deleted\n", Run("delete", "configmap", $"cm-{n}"));
            // kubectl create: JSON up to 1.31, Kubernetes' protobuf from 1.32, which Edge reads for
            // the kinds it keeps that kubectl creates.
            Assert.Equal($"configmap/made-{n} created\n", Run("create", "configmap", $"made-{n}", "--from-literal=a=b", "--from-literal=greeting=hello"));
            Assert.Equal("hello", Run("get", "configmap", $"made-{n}", "-o", "jsonpath={.data.greeting}"));
            Assert.Equal($"secret/made-{n} created\n", Run("create", "secret", "generic", $"made-{n}", "--from-literal=password=hunter2"));
            Assert.Equal("Opaque aHVudGVyMg==", Run("get", "secret", $"made-{n}", "-o", "jsonpath={.type} {.data.password}"));
            Assert.Equal($"secret/tls-{n} created\n", Run("create", "secret", "tls", $"tls-{n}", $"--cert={TlsPair.Cert}", $"--key={TlsPair.Key}"));
            Assert.Equal("kubernetes.io/tls " + Convert.ToBase64String(File.ReadAllBytes(TlsPair.Cert)), Run("get", "secret", $"tls-{n}", "-o", "jsonpath={.type} {.data.tls\\.crt}"));
            Assert.Equal($"configmap/dry-{n} created (server dry run)\n", Run("create", "configmap", $"dry-{n}", "--from-literal=a=b", "--dry-run=server"));
            Assert.Equal("", Run("get", "configmap", "--ignore-not-found", $"dry-{n}")); // a dry run keeps nothing
            Assert.Equal($"deployment.apps/made-{n} created\n", Run("create", "deployment", $"made-{n}", "--image=hello", "--port=8080", "--replicas=0"));
            Assert.Equal("0 hello 8080", Run("get", "deployment", $"made-{n}", "-o", "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[0].containerPort}"));
            Assert.Equal($"service/made-{n} created\n", Run("create", "service", "clusterip", $"made-{n}", "--tcp=80:8080"));
            Assert.Equal("ClusterIP 80 8080", Run("get", "service", $"made-{n}", "-o", "jsonpath={.spec.type} {.spec.ports[0].port} {.spec.ports[0].targetPort}"));
            Assert.Equal($"ingress.networking.k8s.io/made-{n} created\n", Run("create", "ingress", $"made-{n}", $"--rule=made-{n}.lab/*=made-{n}:80"));
            Assert.Equal($"made-{n}.lab / Prefix", Run("get", "ingress", $"made-{n}", "-o", "jsonpath={.spec.rules[0].host} {.spec.rules[0].http.paths[0].path} {.spec.rules[0].http.paths[0].pathType}"));
            Assert.Equal($"deployment.apps \"made-{n}\" deleted\nservice \"made-{n}\" deleted\ningress.networking.k8s.io \"made-{n}\" deleted\n",
                Run("delete", "deployment,service,ingress", $"made-{n}"));

            Assert.Equal("deployment.apps/web scaled\n", Run("scale", "deployment", "web", "--replicas=3"));
            Assert.EndsWith("deployment \"web\" successfully rolled out\n", Run("rollout", "status", "deployment/web", "--timeout=90s"));
            Assert.Equal("node/node-3 cordoned\n", Run("cordon", "node-3"));
            Assert.Equal("node/node-3 uncordoned\n", Run("uncordon", "node-3"));
            using (RunningTool watching = Tools.Start(kubectl, ["--server", server, "get", "pods", "-w"]))
            {
                string probe = $"watched-{n}";
                WaitFor(() => watching.StdOutSoFar.StartsWith("NAME", StringComparison.Ordinal), $"{Path.GetFileName(kubectl)} get -w listing");
                Assert.Equal(0, _edgectl.RunWithInput($"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {probe}\nspec:\n  containers:\n  - name: toolbox\n    image: toolbox\n", "apply", "-f", "-").ExitCode);
                WaitFor(() => Regex.IsMatch(watching.StdOutSoFar, $@"(?m)^{probe}\s+1/1\s+Running\s"), $"{Path.GetFileName(kubectl)} get -w printing the new pod Running");
                Assert.Equal($"pod \"{probe}\" deleted\n", Run("delete", "pod", probe));
            }

            // kubectl explain reads the same documents.
            string explained = Run("explain", "pod.spec.containers.ports");
            Assert.Matches(@"(?m)^KIND:\s+Pod$", explained);
            Assert.Matches(@"(?m)^\s+containerPort\s+<integer> -required-$", explained);
        }

        // kubectl run, create and delete: plain POST and DELETE.
        string Kubectl(params string[] args)
        {
            (int code, string stdout, string stderr) = Tools.Run("kubectl", ["--kubeconfig", kubeconfig, .. args], TimeSpan.FromSeconds(60));
            Assert.True(code == 0, $"kubectl {string.Join(' ', args)}: {stderr}");
            return stdout;
        }

        // --validate=warn: the server takes the object without the unknown field and says so; kubectl prints it.
        string warned = Path.Combine(_home, "warned.yaml");
        File.WriteAllText(warned, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: warned\nspec:\n  replicaz: 2\n  selector:\n    matchLabels:\n      app: warned\n  template:\n    metadata:\n      labels:\n        app: warned\n    spec:\n      containers:\n      - name: main\n        image: hello\n");
        (int warnCode, string created, string warning) = Tools.Run("kubectl", ["--kubeconfig", kubeconfig, "create", "--validate=warn", "-f", warned], TimeSpan.FromSeconds(60));
        Assert.Equal((0, "deployment.apps/warned created\n"), (warnCode, created));
        Assert.Equal("Warning: unknown field \"spec.replicaz\"\n", warning);
        Assert.Equal("deployment.apps \"warned\" deleted\n", Kubectl("delete", "deployment", "warned"));

        // A value of the wrong type is refused in kube-apiserver's decoder's words, whatever the validation.
        string wrongType = Path.Combine(_home, "wrong-type.yaml");
        File.WriteAllText(wrongType, File.ReadAllText(warned).Replace("name: warned\n", "name: wrong-type\n").Replace("  replicaz: 2\n", "  replicas: \"2\"\n"));
        (int wrongTypeCode, _, string wrongError) = Tools.Run("kubectl", ["--kubeconfig", kubeconfig, "apply", "--validate=false", "-f", wrongType], TimeSpan.FromSeconds(60));
        Assert.Equal(1, wrongTypeCode);
        Assert.Equal($"Error from server (BadRequest): error when creating \"{wrongType}\": Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32\n", wrongError);

        // ConfigMaps: kubectl create configmap, get cm (kubectl's columns), describe as kubectl's.
        Assert.Equal("configmap/settings created\n", Kubectl("create", "configmap", "settings", "--from-literal=GREETING=hello", "--from-literal=PORT=8080"));
        Assert.Matches(@"(?m)^settings\s+2\s+\S+$", Kubectl("get", "cm", "settings"));
        Assert.Equal("hello", _edgectl.Run("get", "configmap", "settings", "-o", "jsonpath={.data.GREETING}").Out);
        Assert.Contains("GREETING:\n----\nhello\n", _edgectl.Run("describe", "cm", "settings").Out);

        Assert.Equal("pod/tools created\n", Kubectl("run", "tools", "--image=toolbox"));
        Assert.Equal("deployment.apps/hello created\n", Kubectl("create", "deployment", "hello", "--image=hello"));
        WaitFor(() => _edgectl.Run("get", "pod", "tools", "-o", "jsonpath={.status.phase}").Out == "Running", "the tools pod Running");
        Assert.Equal("pod \"tools\" deleted\n", Kubectl("delete", "pod", "tools"));
        Assert.Equal(1, _edgectl.Run("get", "pod", "tools").ExitCode);

        // kubectl label and annotate send JSON merge patches.
        Assert.Equal("pod/client labeled\n", Kubectl("label", "pod", "client", "tier=front"));
        Assert.Equal("pod/client annotated\n", Kubectl("annotate", "pod", "client", "workshop=networking"));
        Assert.Equal("front networking", _edgectl.Run("get", "pod", "client", "-o", "jsonpath={.metadata.labels.tier} {.metadata.annotations.workshop}").Out);
        Assert.Equal("pod/client unlabeled\n", Kubectl("label", "pod", "client", "tier-"));
        Assert.Equal("", _edgectl.Run("get", "pod", "client", "-o", "jsonpath={.metadata.labels.tier}").Out);

        // Strategic merge patches, as kubectl sends them for the built-in kinds: set image, patch
        // (strategic by default: the container merged by name, its image kept), rollout restart,
        // cordon (the scheduler keeps new pods off the node) and uncordon.
        Assert.Equal("deployment.apps/hello image updated\n", Kubectl("set", "image", "deployment/hello", "hello=echo"));
        Assert.Equal("deployment.apps/hello patched\n",
            Kubectl("patch", "deployment", "hello", "-p", """{"spec":{"template":{"spec":{"containers":[{"name":"hello","env":[{"name":"GREETING","value":"hi"}]}]}}}}"""));
        Assert.Equal("echo GREETING=hi", _edgectl.Run("get", "deploy", "hello", "-o", "jsonpath={.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].env[0].name}={.spec.template.spec.containers[0].env[0].value}").Out);
        Assert.Equal("deployment.apps/hello restarted\n", Kubectl("rollout", "restart", "deployment/hello"));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT", _edgectl.Run("get", "deploy", "hello", "-o", "jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}").Out);
        Assert.Equal("node/node-2 cordoned\n", Kubectl("cordon", "node-2"));
        Assert.Matches(@"(?m)^node-2\s+Ready,SchedulingDisabled\s", Kubectl("get", "nodes"));
        Assert.Equal("node/node-2 uncordoned\n", Kubectl("uncordon", "node-2"));
        Assert.Equal("", _edgectl.Run("get", "node", "node-2", "-o", "jsonpath={.spec.unschedulable}").Out);

        // kubectl drain: the node cordoned, its pods found by a field selector (spec.nodeName) and
        // evicted (policy/v1 Eviction; --force for the bare probe pod), the Deployments' pods made
        // again on the other node. The node keeping the client pod is left alone.
        string drained = _edgectl.Run("get", "pod", "client", "-o", "jsonpath={.spec.nodeName}").Out == "node-1" ? "node-2" : "node-1";
        (int drainCode, string drainOut, string drainErr) = Tools.Run("kubectl", ["--kubeconfig", kubeconfig, "drain", drained, "--ignore-daemonsets", "--force", "--timeout=90s"], TimeSpan.FromSeconds(120));
        Assert.True(drainCode == 0, drainErr);
        Assert.StartsWith($"node/{drained} cordoned\n", drainOut);
        Assert.EndsWith($"node/{drained} drained\n", drainOut);
        Assert.DoesNotContain(drained, _edgectl.Run("get", "pods", "-o", "jsonpath={range .items[*]}{.spec.nodeName} {end}").Out);
        WaitFor(() => _edgectl.Run("get", "po", "-l", "app=web", "--no-headers").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries) is { Length: 3 } rows
            && rows.All(r => r.Contains(" Running ", StringComparison.Ordinal)), "web's three pods Running again, on the other node");
        Assert.Equal($"node/{drained} uncordoned\n", Kubectl("uncordon", drained));

        // edgectl's own label, annotate, scale and rollout, with kubectl's words.
        Assert.Equal("pod/client labeled\n", _edgectl.Run("label", "pod", "client", "tier=back").Out);
        CliRun clash = _edgectl.Run("label", "pod/client", "tier=front");
        Assert.Equal((1, "error: 'tier' already has a value (back), and --overwrite is false\n"), (clash.ExitCode, clash.Err));
        Assert.Equal("pod/client labeled\n", _edgectl.Run("label", "pod/client", "tier=front", "--overwrite").Out);
        Assert.Equal("pod/client not labeled\n", _edgectl.Run("label", "pod", "client", "tier=front").Out);
        Assert.Equal("pod/client unlabeled\n", _edgectl.Run("label", "pod", "client", "tier-").Out);
        Assert.Equal("pod/client annotated\n", _edgectl.Run("annotate", "pod", "client", "lesson=services").Out);
        Assert.Equal("services", Kubectl("get", "pod", "client", "-o", "jsonpath={.metadata.annotations.lesson}"));
        Assert.Equal("deployment.apps/hello scaled\n", _edgectl.Run("scale", "deployment/hello", "--replicas=2").Out);
        CliRun rolled = _edgectl.Run("rollout", "status", "deployment/hello", "--timeout", "90s");
        Assert.True(rolled.ExitCode == 0, rolled.Err);
        Assert.EndsWith("deployment \"hello\" successfully rolled out\n", rolled.Out);
        Assert.Equal(2, _edgectl.Run("get", "po", "-l", "app=hello", "--no-headers").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal("deployment.apps/hello restarted\n", _edgectl.Run("rollout", "restart", "deployment", "hello").Out);
        Assert.EndsWith("deployment \"hello\" successfully rolled out\n", Kubectl("rollout", "status", "deployment/hello", "--timeout=90s"));

        // Revisions as ReplicaSets: kubectl rollout history and undo (a JSON patch of the template), get rs.
        string history = Kubectl("rollout", "history", "deployment/hello");
        Assert.Matches(@"^deployment\.apps/hello \nREVISION  CHANGE-CAUSE\n1         <none>\n(\d+\s+<none>\n)+\n$", history);
        Assert.Equal(history, _edgectl.Run("rollout", "history", "deployment/hello").Out);
        Assert.Matches(@"(?m)^\s+Image:\s+hello$", Kubectl("rollout", "history", "deployment/hello", "--revision=1"));
        Assert.Equal("deployment.apps/hello rolled back\n", Kubectl("rollout", "undo", "deployment/hello", "--to-revision=1"));
        Assert.EndsWith("deployment \"hello\" successfully rolled out\n", Kubectl("rollout", "status", "deployment/hello", "--timeout=90s"));
        WaitFor(() => _edgectl.Run("get", "po", "-l", "app=hello", "-o", "jsonpath={range .items[*]}{.spec.containers[0].image} {end}").Out == "hello hello ", "hello's pods back on revision 1's image");
        Assert.Matches(@"^deployment\.apps/hello \nREVISION  CHANGE-CAUSE\n(\d+\s+<none>\n)+\n$", Kubectl("rollout", "history", "deployment/hello"));
        Assert.DoesNotMatch(@"(?m)^1\s", Kubectl("rollout", "history", "deployment/hello")); // revision 1 came back as the newest
        Assert.Matches(@"(?m)^hello-\S+\s+2\s+2\s+2\s+\S+$", Kubectl("get", "rs"));
        Assert.Matches(@"(?m)^hello-\S+\s+0\s+0\s+0\s+\S+$", Kubectl("get", "rs"));
        (int undoCode, _, string undoError) = Tools.Run("kubectl", ["--kubeconfig", kubeconfig, "rollout", "undo", "deployment/hello", "--to-revision=99"], TimeSpan.FromSeconds(60));
        Assert.Equal((1, "error: unable to find specified revision 99 in history\n"), (undoCode, undoError));
        Assert.Equal("deployment.apps/hello rolled back\n", _edgectl.Run("rollout", "undo", "deployment/hello").Out);
        Assert.EndsWith("deployment \"hello\" successfully rolled out\n", Kubectl("rollout", "status", "deployment/hello", "--timeout=90s"));
        WaitFor(() => _edgectl.Run("get", "po", "-l", "app=hello", "-o", "jsonpath={range .items[*]}{.spec.containers[0].image} {end}").Out == "echo echo ", "hello's pods back on the previous revision's image");

        // kubectl scale, through the deployment's scale subresource: the controllers follow.
        (int scaleCode, string scaled, string scaleError) = Tools.Run("kubectl", ["--kubeconfig", kubeconfig, "scale", "deployment", "web", "--replicas=2"], TimeSpan.FromSeconds(60));
        Assert.True(scaleCode == 0, scaleError);
        Assert.Equal("deployment.apps/web scaled\n", scaled);
        WaitFor(() => _edgectl.Run("get", "po", "-l", "app=web", "--no-headers").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length == 2, "two web pods");
        Assert.Equal("2", _edgectl.Run("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}").Out);

        // Server-side apply's field managers, as kube-apiserver keeps them: kubectl scale takes
        // .spec.replicas from the applier, so applying the old count again is a conflict naming
        // the scaler, until --force-conflicts; kubectl shows the managers when asked.
        string ssa = Path.Combine(_home, "ssa.yaml");
        File.WriteAllText(ssa, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ssa\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: ssa\n  template:\n    metadata:\n      labels:\n        app: ssa\n    spec:\n      containers:\n      - name: main\n        image: hello\n");
        Assert.Equal("deployment.apps/ssa serverside-applied\n", Kubectl("apply", "--server-side", "-f", ssa));
        Assert.Equal("deployment.apps/ssa scaled\n", Kubectl("scale", "deployment", "ssa", "--replicas=2"));
        (int conflictCode, _, string conflictError) = Tools.Run("kubectl", ["--kubeconfig", kubeconfig, "apply", "--server-side", "-f", ssa], TimeSpan.FromSeconds(60));
        Assert.Equal(1, conflictCode);
        Assert.StartsWith("error: Apply failed with 1 conflict: conflict with \"kubectl\" with subresource \"scale\" using apps/v1: .spec.replicas\n", conflictError);
        Assert.Equal("2", _edgectl.Run("get", "deploy", "ssa", "-o", "jsonpath={.spec.replicas}").Out);
        Assert.Equal("deployment.apps/ssa serverside-applied\n", Kubectl("apply", "--server-side", "--force-conflicts", "-f", ssa));
        Assert.Equal("1", _edgectl.Run("get", "deploy", "ssa", "-o", "jsonpath={.spec.replicas}").Out);
        Assert.Matches(@"(?m)^\s+manager: kubectl\n\s+operation: Apply$", Kubectl("get", "deploy", "ssa", "-o", "yaml", "--show-managed-fields"));
        Assert.DoesNotContain("managedFields", Kubectl("get", "deploy", "ssa", "-o", "yaml"));
        Assert.DoesNotContain("managedFields", _edgectl.Run("get", "deploy", "ssa", "-o", "yaml").Out);
        Assert.Contains("manager: kubectl", _edgectl.Run("get", "deploy", "ssa", "-o", "yaml", "--show-managed-fields").Out);
        Assert.Equal("deployment.apps \"ssa\" deleted\n", Kubectl("delete", "deployment", "ssa"));

        // kubectl delete --cascade=orphan: the deployment goes, its pods stay, owned by nobody;
        // then a plain delete takes a deployment's pods with it (the garbage collector).
        string helloPods = _edgectl.Run("get", "po", "-l", "app=hello", "-o", "jsonpath={.items[*].metadata.name}").Out;
        Assert.Equal("deployment.apps \"hello\" deleted\n", Kubectl("delete", "deployment", "hello", "--cascade=orphan"));
        Assert.Equal(helloPods, _edgectl.Run("get", "po", "-l", "app=hello", "-o", "jsonpath={.items[*].metadata.name}").Out);
        Assert.Equal("", _edgectl.Run("get", "po", "-l", "app=hello", "-o", "jsonpath={.items[*].metadata.ownerReferences}").Out);
        Assert.Equal("deployment.apps \"web\" deleted\n", Kubectl("delete", "deployment", "web"));
        WaitFor(() => _edgectl.Run("get", "po", "-l", "app=web", "--no-headers").Out.Length == 0, "web's pods gone with their deployment");
        Assert.Equal(helloPods, _edgectl.Run("get", "po", "-l", "app=hello", "-o", "jsonpath={.items[*].metadata.name}").Out); // the orphans were not collected
    }

    private static void WaitFor(Func<bool> condition, string what, int seconds = 60)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds), "timed out waiting for " + what);
            Thread.Sleep(100);
        }
    }
}
