package org.spe.core.catalog;

/** The public database a dataset comes from (公的データベース). */
public enum SourceDatabase {
    NDB("NDB レセプト"),
    DPC("DPC"),
    KAIGO_DB("介護DB"),
    CANCER_REGISTRY("全国がん登録"),
    OTHER("その他");

    private final String japaneseName;

    SourceDatabase(String japaneseName) {
        this.japaneseName = japaneseName;
    }

    public String japaneseName() {
        return japaneseName;
    }
}
