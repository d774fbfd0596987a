using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Edge.Cli.Tests.Ui;
using OpenQA.Selenium;
using OpenQA.Selenium.Interactions;

namespace Edge.Cli.Tests.Lab;

/// <summary>
/// The lab view in a real browser (Debian's chromium, headless, through chromedriver), as an
/// instructor opens it: `lab up --ui` on three virtual boards, `apply` a Deployment and its
/// Service, and the page, never reloaded, shows the boards, their pods, a pod created and then
/// deleted, its readiness, and the Service's endpoints; a board's tables on request; a request
/// through the Service as a flow along the right links (the overlay's arc when the endpoint is on
/// another board); a trace run from the page and stepped through hop by hop; a capture downloaded
/// as a pcap file; a board lost. Screenshots in artifacts/ui/.
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class LabUiEndToEndTests() : LabTest("ui")
{
    private const string Visitor = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: visitor
          labels:
            app: web
        spec:
          containers:
            - name: whoami
              image: traefik/whoami:v1.10
              ports:
                - name: http
                  containerPort: 80
        """;

    private List<string> EndpointIps() => (Get("endpoints", "web")["subsets"]?[0]?["addresses"] as JsonArray ?? [])
        .Select(a => (string)a!["ip"]!).Order(StringComparer.Ordinal).ToList();

    [RequiresToolFact("chromium", "chromedriver")]
    public void The_page_shows_the_boards_their_pods_and_a_services_endpoints_and_follows_changes_without_a_reload()
    {
        CliRun up = Edgectl.Run("lab", "up", "--nodes", "3", "--first-address", "127.0.10.208", "--ui", "--not-ready-after", "3", "--evict-after", "120");
        Assert.True(up.ExitCode == 0, up.Out + up.Err);
        string url = Regex.Match(up.Out, @"(?m)^Lab view: (http://127\.0\.0\.1:\d+/)").Groups[1].Value;
        Assert.True(url.Length > 0, "lab up --ui printed no URL:\n" + up.Out);
        Assert.Contains("started the lab view", up.Out);
        Assert.Matches(@"(?m)^ui\s+Running\s+\d+\s+http://127\.0\.0\.1:\d+/\s+lab view", Edgectl.Run("lab", "status").Out);

        Apply("examples/web.yaml");
        using var browser = new HeadlessChromium();
        browser.Page.Navigate().GoToUrl(url);

        // Three boards, Ready in words; three web pods, one per board, ready.
        browser.WaitFor(() => browser.Page.FindElements(By.CssSelector("g.board[data-key^='node:']")).Count(b => b.GetAttribute("data-status") == "Ready") == 3, "three Ready boards");
        Assert.Equal(["node-1", "node-2", "node-3"], browser.Page.FindElements(By.CssSelector("g.board[data-key^='node:']")).Select(b => b.GetAttribute("data-key")![5..]));
        Assert.Contains("Ready", browser.Page.FindElement(By.CssSelector("g[data-key='node:node-1']")).Text);
        browser.WaitFor(() => WebPods(browser).Count(p => p.GetAttribute("data-ready") == "true") == 3, "three ready web pods");
        Assert.Equal(3, WebPods(browser).Select(p => Regex.Match(p.GetAttribute("aria-label")!, @" on (node-\d)$").Groups[1].Value).Distinct().Count());
        Assert.Equal(3, browser.Page.FindElements(By.CssSelector("#overlay path.overlay")).Count); // a VXLAN link per pair of boards
        browser.WaitFor(() => browser.Page.FindElements(By.CssSelector("#edges path[data-from='svc:default/web']:not(.notready)")).Count == 3, "three ready endpoint lines from service web");
        browser.Screenshot("lab-view-three-boards");

        // Nothing below reloads the page: a reload would lose this mark.
        browser.Js("window.edgeTestMark = 'same page';");

        // A new pod appears, becomes ready, and joins the Service's endpoints.
        File.WriteAllText(Path.Combine(Home, "visitor.yaml"), Visitor);
        Apply(Path.Combine(Home, "visitor.yaml"));
        browser.WaitFor(() => browser.Page.FindElements(By.CssSelector("g.pod[data-key='pod:default/visitor']")).Count == 1, "the new pod visitor");
        browser.WaitFor(() => browser.Page.FindElement(By.CssSelector("g.pod[data-key='pod:default/visitor']")).GetAttribute("data-ready") == "true", "visitor ready");
        WaitFor(() => EndpointIps().Count == 4, "four endpoints of web");
        List<string> endpoints = EndpointIps();

        // Its details by keyboard: focus the service, Enter.
        IWebElement service = browser.Page.FindElement(By.CssSelector("g.service[data-key='svc:default/web']"));
        browser.Js("arguments[0].focus();", service);
        new Actions(browser.Page).SendKeys(Keys.Enter).Perform();
        browser.WaitFor(() => DetailsEndpointIps(browser).SequenceEqual(endpoints), "service web's four endpoints in its details: " + string.Join(", ", endpoints));
        Assert.Contains("Service default/web", browser.Page.FindElement(By.Id("details")).Text);
        Assert.Contains("4 of 4 ready", browser.Page.FindElement(By.Id("details")).Text);
        browser.Screenshot("lab-view-new-pod-and-service-endpoints");

        // A board's tables, as `edgectl tables` prints them, from the details.
        browser.Page.FindElement(By.CssSelector("#details button[data-tables='node-1/iptables']")).Click();
        browser.WaitFor(() => browser.Page.FindElements(By.CssSelector("#details pre[data-tables-text='node-1/iptables']")).FirstOrDefault()?.Text.Contains("KUBE-SERVICES") == true, "node-1's iptables view");
        Assert.Contains(endpoints[0], browser.Page.FindElement(By.CssSelector("#details pre")).Text);

        // A request through the Service: the client board's pick runs as a dot along client -> web -> the
        // endpoint picked, and the list says it in edgectl flows' words.
        Apply("examples/client.yaml");
        WaitFor(() => (string?)Get("pod", "client")["status"]!["phase"] == "Running", "client Running");
        browser.WaitFor(() => browser.Page.FindElements(By.CssSelector("g.pod[data-key='pod:default/client']")).Count == 1, "the client pod drawn");
        CliRun wget = Edgectl.Run("exec", "client", "--", "wget", "-qO-", "http://web");
        Assert.True(wget.ExitCode == 0, wget.Err);
        browser.WaitFor(() => browser.Page.FindElements(By.CssSelector("#flow-list li.forwarded")).Any(li => li.Text.Contains("FORWARDED TCP service default/web:http: DNAT to default/", StringComparison.Ordinal)), "the pick in the flow list");
        string path = (string)browser.Js("return window.edgeLab.flows.filter(f => f.type === 'service').map(f => f.path)[0];")!;
        Assert.Matches(@"^pod:default/client > svc:default/web > pod:default/(web-[\w-]+|visitor)$", path);
        Assert.True(browser.Page.FindElements(By.CssSelector($"#flow-layer g.flow.forwarded[data-flow-path='{path}']")).Count >= 1, "a dot running along " + path);
        browser.Screenshot("lab-view-flow-through-service");
        Assert.Equal("none", browser.Js("return getComputedStyle(document.getElementById('flow-layer')).pointerEvents;")); // a dot in flight never takes the click below
        string clientNode = (string)Get("pod", "client")["spec"]!["nodeName"]!;

        // A flow to an endpoint on another board runs along the VXLAN arc between the two boards; on
        // the same board it never touches the overlay. kube-proxy picks: call until one crosses.
        int seen = 0;
        bool crossed = false;
        WaitFor(() =>
        {
            var flows = (IReadOnlyCollection<object>)browser.Js("return window.edgeLab.flows.filter(f => f.type === 'service').map(f => f.path + '|' + f.via);")!;
            foreach (string flow in flows.Cast<string>().Skip(seen))
            {
                string[] pathAndVia = flow.Split('|');
                string pickedNode = (string)Get("pod", pathAndVia[0][(pathAndVia[0].LastIndexOf('/') + 1)..])["spec"]!["nodeName"]!;
                Assert.Equal(pickedNode == clientNode ? "" : "overlay:" + Arc(clientNode, pickedNode), pathAndVia[1]);
                crossed |= pickedNode != clientNode;
            }

            seen = flows.Count;
            if (!crossed)
            {
                Assert.True(Edgectl.Run("exec", "client", "--", "wget", "-qO-", "http://web").ExitCode == 0);
            }

            return crossed;
        }, "a flow to an endpoint on another board than the client's", seconds: 120);

        Trace(browser, clientNode);
        Capture(browser, clientNode);

        // A pod by mouse: its details; then it is deleted and leaves the page and the endpoints.
        new Actions(browser.Page).MoveToElement(browser.Page.FindElement(By.CssSelector("g.pod[data-key='pod:default/visitor']"))).Click().Perform();
        browser.WaitFor(() => browser.Page.FindElement(By.Id("details")).Text.Contains("Pod default/visitor"), "visitor's details");
        Assert.Contains("web (ready endpoint)", browser.Page.FindElement(By.Id("details")).Text);
        Assert.True(Edgectl.Run("delete", "pod", "visitor").ExitCode == 0);
        browser.WaitFor(() => browser.Page.FindElements(By.CssSelector("g.pod[data-key='pod:default/visitor']")).Count == 0, "visitor gone");
        browser.WaitFor(() => browser.Page.FindElement(By.Id("details")).Text.Contains("pod default/visitor is gone (deleted)"), "the details saying visitor is gone");
        browser.WaitFor(() => browser.Page.FindElements(By.CssSelector("#edges path[data-from='svc:default/web']")).Count == 3, "three endpoint lines from service web again");
        Assert.Equal("same page", browser.Js("return window.edgeTestMark;"));
        browser.Screenshot("lab-view-pod-deleted");

        // A board lost (its process killed): NotReady in words, its VXLAN links down, its pod a dashed (not-ready) endpoint.
        int node3 = (int)JsonNode.Parse(File.ReadAllText(Path.Combine(Home, "labs", "ui", "lab.json")))!["boards"]!
            .AsArray().Single(b => (string?)b!["name"] == "node-3")!["pid"]!;
        System.Diagnostics.Process.GetProcessById(node3).Kill();
        browser.WaitFor(() => browser.Page.FindElement(By.CssSelector("g.board[data-key='node:node-3']")).GetAttribute("data-status") == "NotReady", "node-3 NotReady");
        Assert.Contains("NotReady", browser.Page.FindElement(By.CssSelector("g.board[data-key='node:node-3']")).Text);
        browser.WaitFor(() => browser.Page.FindElements(By.CssSelector("#overlay path.overlay.down")).Count == 2, "node-3's two VXLAN links down");
        browser.WaitFor(() => browser.Page.FindElements(By.CssSelector("#edges path.notready[data-from='svc:default/web']")).Count == 1, "node-3's web pod a not-ready endpoint");
        Assert.Equal("same page", browser.Js("return window.edgeTestMark;"));
        browser.Screenshot("lab-view-board-lost");

        // lab down stops the view with the rest.
        CliRun down = Edgectl.Run("lab", "down");
        Assert.Contains("✓ stopped ui (pid", down.Out);
    }

    /// <summary>The overlay link between two boards as the view keys it (its ends in name order).</summary>
    private static string Arc(string a, string b) => string.CompareOrdinal(a, b) < 0 ? $"{a}~{b}" : $"{b}~{a}";

    /// <summary>
    /// A trace from the page, as an instructor runs one: client to svc/web port 80 typed and sent
    /// with Enter, then stepped through with Next, the → key, a click on a hop and Play. The hops
    /// listed are the API's (as many as its verdict counts), in edgectl trace's words; the map
    /// outlines what each hop touched (the client, its bridge, kube-proxy with the Service, the
    /// VXLAN arc when the pick is on another board, the endpoint pod). Traced again until a pick
    /// crosses the overlay. Then a ping outside the cluster, dropped: DROPPED in words and in red.
    /// </summary>
    private void Trace(HeadlessChromium browser, string clientNode)
    {
        bool crossed = false;
        for (int attempt = 1; !crossed; attempt++)
        {
            Assert.True(attempt <= 8, "eight traces and none picked an endpoint on another board than the client's");
            Assert.Equal("default/client", browser.Page.FindElement(By.Id("trace-from")).GetAttribute("value")); // the pod named client, chosen for you
            IWebElement to = browser.Page.FindElement(By.Id("trace-to"));
            to.Clear();
            to.SendKeys("svc/web");
            IWebElement port = browser.Page.FindElement(By.Id("trace-port"));
            port.Clear();
            port.SendKeys("80" + Keys.Enter);
            browser.WaitFor(() => (long?)browser.Js("return window.edgeLab.trace && window.edgeLab.trace.view.mark;") is long mark
                && mark != (long?)browser.Js("return window.edgeTraceSeen || 0;"), "a new trace's hops");
            browser.Js("window.edgeTraceSeen = window.edgeLab.trace.view.mark;");

            List<IWebElement> hops = [.. browser.Page.FindElements(By.CssSelector("#trace-hops > li"))];
            string verdict = browser.Page.FindElement(By.Id("trace-verdict")).Text;
            Match delivered = Regex.Match(verdict, @"^✓ DELIVERED on (node-\d) and answered: (\d+) hops$");
            Assert.True(delivered.Success, "the verdict: " + verdict);
            Assert.Equal(int.Parse(delivered.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), hops.Count); // as many as the API's trace has
            Assert.Equal(Enumerable.Range(1, hops.Count).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)), hops.Select(h => h.GetAttribute("data-hop")));
            long requestHops = (long)browser.Js("return window.edgeLab.trace.view.requestHops;")!;
            Assert.Equal(requestHops, hops.Count(h => h.GetAttribute("data-direction") == "request"));
            Assert.All(hops.Skip((int)requestHops), h => Assert.Equal("reply", h.GetAttribute("data-direction")));

            // The DNAT hop names the web pod picked, on the client's board.
            IWebElement dnat = hops.Single(h => h.Text.Contains("kube-proxy: DNAT to default/", StringComparison.Ordinal));
            string picked = Regex.Match(dnat.Text, @"DNAT to default/((web-[\w-]+)|visitor):80 for service default/web:http").Groups[1].Value;
            Assert.True(picked.Length > 0, "the DNAT hop names a web pod: " + dnat.Text);
            Assert.Equal((clientNode, "routed"), (dnat.GetAttribute("data-node"), dnat.GetAttribute("data-step")));
            string pickedNode = (string)Get("pod", picked)["spec"]!["nodeName"]!;
            Assert.Equal(pickedNode, delivered.Groups[1].Value);
            crossed = pickedNode != clientNode;
            List<IWebElement> vxlan = [.. hops.Where(h => h.GetAttribute("data-step") is "encapsulated" or "decapsulated")];
            Assert.Equal(crossed ? 4 : 0, vxlan.Count); // out and in, for the request and for its reply

            // Hop 1: the client and its board's bridge, the packet's disc on it.
            Assert.Equal("1", Current(browser));
            Assert.Equal(["bridge:" + clientNode, "pod:default/client"], Highlighted(browser));
            browser.Screenshot(crossed ? "trace-1-start" : "trace-same-board-1-start");

            // Next (a click): kube-proxy's DNAT, with the Service.
            browser.Page.FindElement(By.Id("trace-next")).Click();
            browser.WaitFor(() => Current(browser) == "2", "hop 2 shown");
            Assert.Equal(["proxy:" + clientNode, "svc:default/web"], Highlighted(browser));
            Assert.Contains("DNAT to default/" + picked, browser.Page.FindElement(By.CssSelector("#trace-hops > li.current")).Text, StringComparison.Ordinal);
            browser.Screenshot(crossed ? "trace-2-dnat" : "trace-same-board-2-dnat");

            if (crossed)
            {
                // → (the keyboard, focus on the buttons): into VXLAN, along the arc between the two boards.
                new Actions(browser.Page).SendKeys(Keys.ArrowRight).Perform();
                browser.WaitFor(() => Current(browser) == "3", "hop 3 shown");
                Assert.Equal("encapsulated", browser.Page.FindElement(By.CssSelector("#trace-hops > li.current")).GetAttribute("data-step"));
                Assert.Contains($"encapsulated in VXLAN (VNI 1) to node/{pickedNode}", browser.Page.FindElement(By.CssSelector("#trace-hops > li.current")).Text, StringComparison.Ordinal);
                Assert.Equal(["overlay:" + Arc(clientNode, pickedNode), "vxlan:" + clientNode], Highlighted(browser));
                browser.Screenshot("trace-3-vxlan");
            }

            // A click on the request's last hop: delivered to the endpoint picked.
            hops[(int)requestHops - 1].Click();
            browser.WaitFor(() => Current(browser) == requestHops.ToString(System.Globalization.CultureInfo.InvariantCulture), "the request's last hop shown");
            Assert.Contains("pod:default/" + picked, Highlighted(browser));
            Assert.Contains("bridge:" + pickedNode, Highlighted(browser));
            browser.Screenshot(crossed ? "trace-4-delivered" : "trace-same-board-3-delivered");

            // Play from two hops before the end: it steps by itself and stops on the last, the client again.
            hops[^3].Click();
            browser.Page.FindElement(By.Id("trace-play")).Click();
            browser.WaitFor(() => Current(browser) == hops.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)
                && browser.Page.FindElement(By.Id("trace-play")).GetAttribute("aria-pressed") == "false", "Play to reach the last hop and stop", seconds: 20);
            Assert.Contains("pod:default/client", Highlighted(browser));
            Assert.Contains("bridge:" + clientNode, Highlighted(browser));
            browser.Screenshot(crossed ? "trace-5-answered" : "trace-same-board-4-answered");
        }

        // A ping outside the cluster (egress is off on a lab): dropped on the client's board, in words and in red.
        IWebElement target = browser.Page.FindElement(By.Id("trace-to"));
        target.Clear();
        target.SendKeys("192.0.2.1");
        browser.Page.FindElement(By.Id("trace-port")).Clear();
        browser.Page.FindElement(By.Id("trace-run")).Click();
        browser.WaitFor(() => browser.Page.FindElement(By.Id("trace-verdict")).Text.StartsWith("✕ DROPPED", StringComparison.Ordinal), "the ping's trace");
        Assert.Equal($"✕ DROPPED on {clientNode}: egress-denied", browser.Page.FindElement(By.Id("trace-verdict")).Text);
        Assert.Contains("179, 0, 27", browser.Page.FindElement(By.Id("trace-verdict")).GetCssValue("color"), StringComparison.Ordinal); // --notready, beside the words
        IWebElement drop = browser.Page.FindElements(By.CssSelector("#trace-hops > li")).Last();
        browser.Page.FindElement(By.Id("trace-prev")).Click(); // from hop 1: stays there
        Assert.Equal("1", Current(browser));
        new Actions(browser.Page).SendKeys(Keys.End).Perform();
        browser.WaitFor(() => Current(browser) == drop.GetAttribute("data-hop"), "the drop shown");
        Assert.Contains("dropped", drop.GetAttribute("class"), StringComparison.Ordinal);
        Assert.Contains("✕ DROPPED", drop.Text, StringComparison.Ordinal);
        Assert.Contains("DROPPED: egress-denied (pods may not reach outside the cluster on this lab", drop.Text, StringComparison.Ordinal);
        Assert.Equal(["proxy:" + clientNode], Highlighted(browser));
        Assert.Equal("✕ DROPPED", browser.Page.FindElement(By.CssSelector("#trace-marker.dropped .drop-label")).Text);
        browser.Screenshot("trace-6-dropped");
    }

    private static string? Current(HeadlessChromium browser) => (string?)browser.Js(
        "const li = document.querySelector('#trace-hops > li.current'), disc = document.getElementById('trace-marker');"
        + "return li && disc && li.getAttribute('data-hop') === disc.getAttribute('data-hop') && li.getAttribute('aria-current') === 'step' ? li.getAttribute('data-hop') : null;");

    /// <summary>What the map outlines for the hop shown, sorted: pods, Services and board parts by their keys, arcs as overlay:A~B.</summary>
    private static List<string> Highlighted(HeadlessChromium browser) =>
        [.. ((IReadOnlyCollection<object>)browser.Js("return [...document.querySelectorAll('#topology .trace-at')].map(e => e.getAttribute('data-key') || e.getAttribute('data-part'));")!)
            .Cast<string>().Order(StringComparer.Ordinal)];

    /// <summary>The client pod's "capture" button: a pcap file downloaded by the browser, with the client's packets in it.</summary>
    private void Capture(HeadlessChromium browser, string clientNode)
    {
        new Actions(browser.Page).MoveToElement(browser.Page.FindElement(By.CssSelector("g.pod[data-key='pod:default/client']"))).Click().Perform();
        browser.WaitFor(() => browser.Page.FindElements(By.CssSelector("#details button[data-action='capture']")).Count == 1, "the client's capture button");
        IWebElement button = browser.Page.FindElement(By.CssSelector("#details button[data-action='capture']"));
        Assert.Equal("Capture 5 s of client's traffic (pcap)", button.Text);
        button.Click();

        // Traffic while it captures (its 5 s start once the board has said yes): a request a second until the file is saved.
        string clientIp = (string)Get("pod", "client")["status"]!["podIP"]!;
        WaitFor(() =>
        {
            if ((bool?)browser.Js("return !!(window.edgeLab.capture && (window.edgeLab.capture.file || window.edgeLab.capture.error));") == true)
            {
                return true;
            }

            Assert.True(Edgectl.Run("exec", "client", "--", "wget", "-qO-", "http://web").ExitCode == 0);
            return false;
        }, "the capture to be saved", seconds: 60);
        string said = browser.Page.FindElement(By.CssSelector("#details [data-capture-result]")).Text;
        Match saved = Regex.Match(said, $@"^Saved ({clientNode}-default-client-\d{{8}}-\d{{6}}\.pcap): (\d+) packets, (\d+) bytes\.$");
        Assert.True(saved.Success, "the details say: " + said);
        string file = Path.Combine(browser.Downloads, saved.Groups[1].Value);
        browser.WaitFor(() => File.Exists(file) && !Directory.EnumerateFiles(browser.Downloads, "*.crdownload").Any(), "the browser to save " + file);
        browser.Js("arguments[0].scrollIntoView({ block: 'center' });", browser.Page.FindElement(By.CssSelector("#details [data-capture-result]")));
        browser.Screenshot("capture-client");

        // A pcap file (its magic number, Ethernet) of whole packets, the client's among them.
        byte[] pcap = File.ReadAllBytes(file);
        Assert.Equal(long.Parse(saved.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture), pcap.Length);
        var format = new Edge.Dataplane.Wire.PcapFormat();
        Assert.Equal(Edge.Dataplane.Wire.WireError.None, Edge.Dataplane.Wire.Pcap.ParseFileHeader(pcap, 0, pcap.Length, format, out uint link));
        Assert.Equal(Edge.Dataplane.Wire.Pcap.LinkTypeEthernet, link);
        var frames = new List<byte[]>();
        var record = new Edge.Dataplane.Wire.PcapRecord();
        for (int at = Edge.Dataplane.Wire.Pcap.FileHeaderLength; at < pcap.Length; at += Edge.Dataplane.Wire.Pcap.RecordHeaderLength + record.CapturedLength)
        {
            Assert.Equal(Edge.Dataplane.Wire.WireError.None, Edge.Dataplane.Wire.Pcap.ParseRecordHeader(pcap, at, pcap.Length - at, format, record));
            Assert.True(at + Edge.Dataplane.Wire.Pcap.RecordHeaderLength + record.CapturedLength <= pcap.Length, "a packet cut short at " + at);
            frames.Add(pcap[(at + Edge.Dataplane.Wire.Pcap.RecordHeaderLength)..(at + Edge.Dataplane.Wire.Pcap.RecordHeaderLength + record.CapturedLength)]);
        }

        Assert.Equal(int.Parse(saved.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), frames.Count);
        Assert.True(frames.Count > 0, "no packet in the capture");
        byte[] address = System.Net.IPAddress.Parse(clientIp).GetAddressBytes();
        Assert.Contains(frames, f => f.Length >= 34 && f[12] == 0x08 && f[13] == 0x00 && (f.AsSpan(26, 4).SequenceEqual(address) || f.AsSpan(30, 4).SequenceEqual(address)));
        File.Copy(file, RepoPaths.Of("artifacts", "ui", "capture-client.pcap"), overwrite: true);
    }

    private static List<IWebElement> WebPods(HeadlessChromium browser) =>
        [.. browser.Page.FindElements(By.CssSelector("g.pod[data-key^='pod:default/web-']"))];

    private static List<string> DetailsEndpointIps(HeadlessChromium browser) =>
        [.. browser.Page.FindElements(By.CssSelector("#details table[data-endpoints='default/web'] tr td:first-child"))
            .Select(td => td.Text.Split(' ')[0]).Order(StringComparer.Ordinal)];
}
