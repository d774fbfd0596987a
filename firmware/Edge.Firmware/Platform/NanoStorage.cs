using System;
using System.IO;
using Edge.Dataplane.Platform;

namespace Edge.Firmware.Platform
{
    /// <summary>
    /// Records in the board's internal flash (drive I:\ on ESP32), one file each. A record is
    /// written beside the old one and then moved over it, so a power cut leaves the old record,
    /// the new one, or (between delete and move) the new one under its temporary name, which
    /// Read still finds. The record's own CRC (BoardSettings) catches the rest.
    /// </summary>
    public sealed class NanoStorage : IStorage
    {
        private readonly string _root;

        public NanoStorage(string root)
        {
            _root = root;
        }

        public byte[] Read(string key)
        {
            string path = _root + key;
            try
            {
                if (File.Exists(path))
                {
                    return File.ReadAllBytes(path);
                }

                return File.Exists(path + ".new") ? File.ReadAllBytes(path + ".new") : null;
            }
            catch (Exception)
            {
                return null; // no file system on this target: the board runs with its defaults
            }
        }

        public bool Write(string key, byte[] buffer, int offset, int length)
        {
            string path = _root + key;
            byte[] record = new byte[length];
            Array.Copy(buffer, offset, record, 0, length);
            try
            {
                File.WriteAllBytes(path + ".new", record);
                if (File.Exists(path))
                {
                    File.Delete(path);
                }

                File.Move(path + ".new", path);
                return true;
            }
            catch (Exception)
            {
                return false;
            }
        }
    }
}
