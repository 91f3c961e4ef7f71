package org.sdlgm.data.multilabel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.sdlgm.data.DataException;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The label names of a Mulan data set, read from its XML label file ({@code <labels
 * xmlns="http://mulan.sourceforge.net/labels"><label name="..."/>...}). This file, not MEKA's
 * {@code -C} in {@code @relation}, is the authority on which ARFF attributes are labels, because
 * {@code -C} is wrong or missing in some Mulan files. Hierarchical files nest {@code label}
 * elements; every {@code label} element counts, in document order, which is also the label
 * numbering the ARFF reader uses.
 */
public final class MulanLabels {
  private final Path source;
  private final List<String> names;

  private MulanLabels(Path source, List<String> names) {
    this.source = source;
    this.names = List.copyOf(names);
  }

  /** Labels given directly (tests, or names obtained elsewhere). */
  public static MulanLabels of(List<String> names) {
    return new MulanLabels(null, names);
  }

  /** Parses a Mulan label XML file; duplicates or a missing {@code name} are errors. */
  public static MulanLabels read(Path xml) {
    String f = xml.toString();
    Element root;
    try (InputStream in = Files.newInputStream(xml)) {
      DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
      dbf.setNamespaceAware(true);
      // The file is data, not trusted config: no DTDs or external entities.
      dbf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      DocumentBuilder db = dbf.newDocumentBuilder();
      db.setErrorHandler(null);
      root = db.parse(in).getDocumentElement();
    } catch (SAXParseException e) {
      throw DataException.at(f, Math.max(1, e.getLineNumber()), "invalid XML: " + e.getMessage());
    } catch (IOException | SAXException | ParserConfigurationException e) {
      throw new DataException(f + ": cannot read Mulan label XML: " + e.getMessage(), e);
    }
    if (!"labels".equals(root.getLocalName())) {
      throw new DataException(
          f
              + ": root element is <"
              + root.getNodeName()
              + ">, expected <labels> (Mulan label file)");
    }
    NodeList nodes = root.getElementsByTagNameNS("*", "label");
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      Element e = (Element) nodes.item(i);
      if (!e.hasAttribute("name")) {
        throw new DataException(f + ": <label> number " + (i + 1) + " has no name attribute");
      }
      String n = e.getAttribute("name");
      if (!names.add(n)) {
        throw new DataException(f + ": label '" + n + "' appears twice");
      }
    }
    if (names.isEmpty()) {
      throw new DataException(f + ": no <label> elements");
    }
    return new MulanLabels(xml, new ArrayList<>(names));
  }

  /** Label names in document order. */
  public List<String> names() {
    return names;
  }

  /** The XML file read, or null when built with {@link #of}. */
  public Path source() {
    return source;
  }

  public int size() {
    return names.size();
  }
}
