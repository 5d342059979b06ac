package org.sparklm.jobs.common;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/** Hadoop FileSystem helpers, so {@code file://}, {@code hdfs://} and {@code s3a://} all work. */
public final class HadoopPaths {
  private HadoopPaths() {}

  /** A user-given path, qualified: relative local paths become absolute {@code file:} URIs. */
  public static Path qualify(String p, Configuration conf) {
    try {
      Path path = new Path(p);
      return path.getFileSystem(conf).makeQualified(path);
    } catch (IOException e) {
      throw new JobException("cannot resolve path '" + p + "': " + e.getMessage(), e);
    }
  }

  /**
   * Every file that {@code inputs} name: files, globs, and folders (searched recursively; names
   * starting with '.' or '_' are skipped, as Hadoop does). Sorted, so jobs see a stable order.
   *
   * @throws JobException naming the input that matches nothing
   */
  public static List<String> expandFiles(List<String> inputs, Configuration conf, String job) {
    if (inputs.isEmpty()) {
      throw new JobException("no input given: pass --input PATH (a file, folder or glob)");
    }
    TreeSet<String> out = new TreeSet<>();
    for (String in : inputs) {
      try {
        Path p = new Path(in);
        FileSystem fs = p.getFileSystem(conf);
        FileStatus[] matches = fs.globStatus(p);
        if (matches == null || matches.length == 0) {
          throw new JobException("input '" + in + "' matches no file");
        }
        int before = out.size();
        for (FileStatus st : matches) {
          if (st.isDirectory()) {
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(st.getPath(), true);
            while (it.hasNext()) {
              LocatedFileStatus f = it.next();
              if (!hidden(f.getPath(), st.getPath())) {
                out.add(f.getPath().toString());
              }
            }
          } else {
            out.add(st.getPath().toString());
          }
        }
        if (out.size() == before) {
          throw new JobException("input '" + in + "' holds no file");
        }
      } catch (IOException e) {
        throw new JobException("cannot list input '" + in + "': " + e.getMessage(), e);
      }
    }
    return new ArrayList<>(out);
  }

  private static boolean hidden(Path file, Path root) {
    for (Path p = file; p != null && !p.equals(root); p = p.getParent()) {
      String n = p.getName();
      if (n.startsWith(".") || n.startsWith("_")) {
        return true;
      }
    }
    return false;
  }
}
