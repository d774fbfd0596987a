using System.Buffers.Binary;
using System.Text;

namespace Edge.Dataplane.Tests.Dns;

/// <summary>
/// Test-side DNS: builds queries and renders responses as zone-file text, written
/// independently of the code under test (its own name decoder with compression).
/// </summary>
public static class DnsMessages
{
    public static byte[] Query(string name, ushort type, ushort id = 0x1234, bool rd = true, int ednsSize = 0, int ednsVersion = 0, ushort qclass = 1)
    {
        var m = new List<byte>();
        void U16(int v) { m.Add((byte)(v >> 8)); m.Add((byte)v); }
        U16(id);
        U16(rd ? 0x0100 : 0);
        U16(1);
        U16(0);
        U16(0);
        U16(ednsSize > 0 ? 1 : 0);
        foreach (string label in name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            m.Add((byte)label.Length);
            m.AddRange(Encoding.ASCII.GetBytes(label));
        }

        m.Add(0);
        U16(type);
        U16(qclass);
        if (ednsSize > 0)
        {
            m.Add(0);
            U16(41);
            U16(ednsSize);
            m.Add(0);
            m.Add((byte)ednsVersion);
            U16(0);
            U16(0);
        }

        return m.ToArray();
    }

    public sealed record Response(ushort Id, int Rcode, bool Aa, bool Tc, bool Rd, bool Ra, string Question, string[] Answer, string[] Authority, string[] Additional);

    public static Response Parse(byte[] m)
    {
        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(2));
        int qd = BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(4));
        int an = BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(6));
        int ns = BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(8));
        int ar = BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(10));
        int at = 12;
        string question = "";
        for (int i = 0; i < qd; i++)
        {
            string qname = Name(m, ref at);
            question = $"{qname} {Type(BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(at)))}";
            at += 4;
        }

        string[] Section(int count) => Enumerable.Range(0, count).Select(_ => Record(m, ref at)).ToArray();
        string[] answer = Section(an), authority = Section(ns), additional = Section(ar);
        int rcode = flags & 0x0F;
        return new Response(BinaryPrimitives.ReadUInt16BigEndian(m), rcode, (flags & 0x0400) != 0, (flags & 0x0200) != 0,
            (flags & 0x0100) != 0, (flags & 0x0080) != 0, question, answer, authority, additional);
    }

    private static string Record(byte[] m, ref int at)
    {
        string name = Name(m, ref at);
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(at));
        ushort cls = BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(at + 2));
        uint ttl = BinaryPrimitives.ReadUInt32BigEndian(m.AsSpan(at + 4));
        int rdlength = BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(at + 8));
        int rd = at + 10;
        at = rd + rdlength;
        if (type == 41)
        {
            return $"; OPT udp={cls} version={(ttl >> 16) & 0xFF} ext-rcode={ttl >> 24}";
        }

        int p = rd;
        int target = rd + 6;
        string data = type switch
        {
            1 => $"{m[rd]}.{m[rd + 1]}.{m[rd + 2]}.{m[rd + 3]}",
            2 or 5 or 12 => Name(m, ref p),
            16 => "\"" + Encoding.ASCII.GetString(m, rd + 1, m[rd]) + "\"",
            33 => $"{BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(rd))} {BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(rd + 2))} {BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(rd + 4))} " + Name(m, ref target),
            6 => Soa(m, rd),
            _ => $"\\# {rdlength}",
        };
        return $"{name} {ttl} IN {Type(type)} {data}";
    }

    private static string Soa(byte[] m, int at)
    {
        string mname = Name(m, ref at), rname = Name(m, ref at);
        uint U32(int o) => BinaryPrimitives.ReadUInt32BigEndian(m.AsSpan(o));
        return $"{mname} {rname} {U32(at)} {U32(at + 4)} {U32(at + 8)} {U32(at + 12)} {U32(at + 16)}";
    }

    private static string Type(ushort type) => type switch
    {
        1 => "A", 2 => "NS", 5 => "CNAME", 6 => "SOA", 12 => "PTR", 16 => "TXT", 28 => "AAAA", 33 => "SRV", 41 => "OPT", 255 => "ANY", _ => "TYPE" + type,
    };

    /// <summary>Decodes a name with compression; advances at past it.</summary>
    public static string Name(byte[] m, ref int at)
    {
        var labels = new List<string>();
        int position = at;
        bool jumped = false;
        for (int hops = 0; hops < 64; hops++)
        {
            int length = m[position];
            if ((length & 0xC0) == 0xC0)
            {
                if (!jumped)
                {
                    at = position + 2;
                }

                jumped = true;
                position = ((length & 0x3F) << 8) | m[position + 1];
                continue;
            }

            if (length == 0)
            {
                if (!jumped)
                {
                    at = position + 1;
                }

                return labels.Count == 0 ? "." : string.Join(".", labels) + ".";
            }

            labels.Add(Encoding.ASCII.GetString(m, position + 1, length));
            position += length + 1;
        }

        throw new InvalidOperationException("pointer loop");
    }
}
