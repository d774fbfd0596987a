// nanoFramework.System.Net 1.11.54: bringing the network up (NetworkHelper) and the interface's settings.
namespace System.Net.NetworkInformation
{
    public class NetworkInterface
    {
        public static NetworkInterface[] GetAllNetworkInterfaces() => throw null;
        public void EnableDhcp() => throw null;
        public void EnableStaticIPv4(string ipv4Address, string ipv4SubnetMask, string ipv4GatewayAddress) => throw null;
        public void EnableStaticIPv4Dns(string[] dnsAddresses) => throw null;
        public string IPv4Address => throw null;
        public string IPv4GatewayAddress => throw null;
        public string IPv4SubnetMask => throw null;
        public bool IsDhcpEnabled => throw null;
        public byte[] PhysicalAddress { get => throw null; set => throw null; }
    }
}

namespace nanoFramework.Networking
{
    using System;
    using System.Threading;

    public enum NetworkHelperStatus
    {
        None,
        Started,
        NetworkIsReady,
        FailedNoNetworkInterface,
        TokenExpiredWaitingIPAddress,
        TokenExpiredWaitingDateTime,
        ErrorConnetingToWiFiWhileScanning,
        ExceptionOccurred,
        Reconnecting,
    }

    public class IPConfiguration
    {
        public IPConfiguration(string ipv4Address, string ipv4SubnetMask, string ipv4GatewayAddress, string[] ipv4DnsAddresses = null) { }
        public string IPAddress { get => throw null; set => throw null; }
        public string IPSubnetMask { get => throw null; set => throw null; }
        public string IPGatewayAddress { get => throw null; set => throw null; }
        public string[] IPDns { get => throw null; set => throw null; }
    }

    public static class NetworkHelper
    {
        public static NetworkHelperStatus Status => throw null;
        public static Exception HelperException => throw null;
        public static bool SetupAndConnectNetwork(CancellationToken token = default, bool requiresDateTime = false) => throw null;
        public static bool SetupAndConnectNetwork(IPConfiguration ipConfiguration, CancellationToken token = default, bool requiresDateTime = false) => throw null;
    }
}
